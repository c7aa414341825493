"""cgan-java's network and fused step in PyTorch: eager, or --compile for torch.compile (Inductor)
of both networks, forward and backward. The optimizers stay eager (foreach Adam): compiling
opt.step recompiled on every call here (93 images/s).

python scripts/peers/peer_torch.py --batch 64 [--compile]   (see common.py for the network)
"""

import math
import sys

COMPILE = "--compile" in sys.argv
if COMPILE:
    sys.argv.remove("--compile")

import common
import torch
from torch import nn

from common import BETA1, BETA2, BN_EPS, BN_MOMENTUM, CLASSES, DROPOUT, EPS, LATENT, LR, SLOPE


def linear(n_in, n_out):
    layer = nn.Linear(n_in, n_out)
    bound = 1.0 / math.sqrt(n_in)  # nn.Linear's own bias init; the weight made U(+-1/sqrt(in))
    nn.init.uniform_(layer.weight, -bound, bound)
    nn.init.uniform_(layer.bias, -bound, bound)
    return layer


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(CLASSES, CLASSES)
        layers, n_in = [linear(CLASSES + LATENT, 128), nn.LeakyReLU(SLOPE)], 128
        for w in common.G_WIDTHS[1:]:
            layers += [linear(n_in, w), nn.BatchNorm1d(w, BN_EPS, BN_MOMENTUM), nn.LeakyReLU(SLOPE)]
            n_in = w
        layers += [linear(n_in, common.SIZE * common.SIZE), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, z, y):
        x = self.model(torch.cat([self.emb(y), z], -1))
        return x.view(-1, common.SIZE, common.SIZE, 1)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(CLASSES, CLASSES)
        w = common.D_WIDTH
        self.model = nn.Sequential(
            linear(common.SIZE * common.SIZE + CLASSES, w), nn.LeakyReLU(SLOPE),
            linear(w, w), nn.Dropout(DROPOUT), nn.LeakyReLU(SLOPE),
            linear(w, w), nn.Dropout(DROPOUT), nn.LeakyReLU(SLOPE),
            linear(w, 1))

    def forward(self, x, y):
        return self.model(torch.cat([x.reshape(x.shape[0], -1), self.emb(y)], -1))


def fused_step(g_fwd, d_fwd, g_params, d_params, g_update, d_update, images, labels, seed):
    """one(batch), cgan-java's fused iteration: D(G(z)) once for both losses, each loss
    differentiated w.r.t. its own network only, both Adam updates; and out, whose [0] holds the
    last [L_D, L_G] for the timer's sync. Shared with peer_torch_conv.py."""
    batches, out = {}, [None]

    def one(batch):
        if batch not in batches:
            batches[batch] = common.Batches(len(labels), batch, seed)
        idx = torch.from_numpy(batches[batch].next()).long()
        real, y1 = images[idx], labels[idx]
        z = torch.randn(batch, LATENT)
        y2 = torch.randint(0, CLASSES, (batch,))
        fake = g_fwd(z, y2)
        fs = d_fwd(fake, y2)
        rs = d_fwd(real, y1)
        lg = torch.mean((fs - 1) ** 2)
        ld = 0.5 * (torch.mean(fs**2) + torch.mean((rs - 1) ** 2))
        grad_g = torch.autograd.grad(lg, g_params, retain_graph=True)
        grad_d = torch.autograd.grad(ld, d_params)
        for p, g in zip(g_params, grad_g):
            p.grad = g
        for p, g in zip(d_params, grad_d):
            p.grad = g
        g_update()
        d_update()
        out[0] = torch.stack([ld.detach(), lg.detach()])

    return one, out


def main():
    a = common.args(__doc__)
    torch.manual_seed(a.seed)
    x, y = common.mnist()
    images, labels = torch.from_numpy(x), torch.from_numpy(y).long()
    G, D = Generator(), Discriminator()
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    g_params, d_params = list(G.parameters()), list(D.parameters())
    g_fwd, d_fwd = G, D
    g_update, d_update = opt_g.step, opt_d.step
    if COMPILE:
        # Both losses are differentiated from one forward pass (retain_graph=True), which
        # compiled backward functions with donated buffers refuse.
        torch._functorch.config.donated_buffer = False
        g_fwd, d_fwd = torch.compile(G), torch.compile(D)
    one, out = fused_step(g_fwd, d_fwd, g_params, d_params, g_update, d_update, images, labels,
                          a.seed)
    common.run("PyTorch " + ("torch.compile" if COMPILE else "eager"), a, one, lambda: out[0].tolist())


if __name__ == "__main__":
    main()
