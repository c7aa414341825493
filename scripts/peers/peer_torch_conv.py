"""cgan-java's conv network (train --arch conv, width 32, 32x32x1) and its fused step in PyTorch,
eager, on the CPU: the peer of `PeerStep --arch conv`.

python scripts/peers/peer_torch_conv.py --batch 64 [--width 32] [--channels-last] [--projection]

The network, after cgan-core's model/ConvPlan.java, ConvGenerator.java, ConvDiscriminator.java
(TensorFlow's "SAME" padding is PyTorch's padding 1 for both kernels below on even sides):

  G(z, y): concat(Embedding(10,10)(y), z) -> Linear 110->4*4*4w -> view [4w, 4, 4]
           -> BatchNorm2d -> ReLU
           -> [nearest x2 -> Conv 3x3 (pad 1) -> BatchNorm2d -> ReLU]  4w->2w (8x8), 2w->w (16x16)
           -> nearest x2 -> Conv 3x3 w->1 -> tanh  (32x32)
  D(x, y): h = concat(x, view(Embedding(10, 32*32)(y), [1, 32, 32]))   (the label as a channel)
           Conv 4x4 stride 2 (pad 1) -> LeakyReLU 0.2                       2->w (16x16)
           [Conv 4x4 stride 2 (pad 1) -> LeakyReLU 0.2]                     w->2w (8x8), 2w->4w (4x4)
           phi = flatten -> Linear(phi, 1)
           (--projection, the earlier default: no label channel, 1->w, and
           Linear(phi, 1) + <Embedding(10, 16*4w)(y), phi>)
  init:    Linear and Conv weights and biases U(+-1/sqrt(fan_in)), fan_in = k*k*in for a conv;
           G's label table and D's label-channel table N(0, 1); D's projection table N(0, 1/dim);
           BatchNorm gamma 1, beta 0, eps 1e-5, momentum 0.1; no BatchNorm and no dropout in D
  losses, Adam, batch and data: those of common.py (least squares, D(G(z)) computed once,
           one Adam per network, lr 2e-4, betas (0.5, 0.999))

PyTorch's layout is NCHW and cgan-java's NHWC: the flattening order of phi and of G's first map
differ, a permutation of weights drawn independently, so the networks are the same in law.
"""

import math
import os
import sys

# PyTorch's OpenMP threads otherwise spin at every barrier of every small op; on a shared 2-core
# machine (load 8-15) that ran this peer at 30-80 images/s instead of 280-390. Set before torch
# loads; an explicit OMP_WAIT_POLICY in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

CHANNELS_LAST = "--channels-last" in sys.argv
if CHANNELS_LAST:
    sys.argv.remove("--channels-last")
PROJECTION = "--projection" in sys.argv
if PROJECTION:
    sys.argv.remove("--projection")
WIDTH = 32
if "--width" in sys.argv:
    i = sys.argv.index("--width")
    WIDTH = int(sys.argv[i + 1])
    del sys.argv[i : i + 2]

import common
import torch
from torch import nn
from torch.nn import functional as F

from common import BETA1, BETA2, CLASSES, EPS, LATENT, LR, SLOPE
from peer_torch import fused_step

BN_EPS, BN_MOMENTUM = 1e-5, 0.1
BASE, DOUBLINGS = 4, 3  # 32 = 4 * 2^3


def uniform_(layer, fan_in):
    bound = 1.0 / math.sqrt(fan_in)
    nn.init.uniform_(layer.weight, -bound, bound)
    nn.init.uniform_(layer.bias, -bound, bound)
    return layer


def conv(n_in, n_out, k, stride):
    return uniform_(nn.Conv2d(n_in, n_out, k, stride, padding=1), k * k * n_in)


class Generator(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.g0 = w << (DOUBLINGS - 1)
        self.emb = nn.Embedding(CLASSES, CLASSES)  # N(0, 1), PyTorch's default
        self.fc = uniform_(nn.Linear(CLASSES + LATENT, BASE * BASE * self.g0), CLASSES + LATENT)
        self.bn0 = nn.BatchNorm2d(self.g0, BN_EPS, BN_MOMENTUM)

        def block(n_in, n_out):
            return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv(n_in, n_out, 3, 1),
                                 nn.BatchNorm2d(n_out, BN_EPS, BN_MOMENTUM), nn.ReLU())

        chans = [w << (DOUBLINGS - 1 - i) for i in range(DOUBLINGS)]
        self.blocks = nn.Sequential(*[block(a, b) for a, b in zip(chans, chans[1:])])
        self.out = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv(chans[-1], 1, 3, 1),
                                 nn.Tanh())

    def forward(self, z, y):
        x = self.fc(torch.cat([self.emb(y), z], -1)).view(-1, self.g0, BASE, BASE)
        if CHANNELS_LAST:
            x = x.contiguous(memory_format=torch.channels_last)
        return self.out(self.blocks(F.relu(self.bn0(x))))


class Discriminator(nn.Module):
    def __init__(self, w):
        super().__init__()
        chans = [1 if PROJECTION else 2] + [w << i for i in range(DOUBLINGS)]
        self.convs = nn.Sequential(*[m for a, b in zip(chans, chans[1:])
                                     for m in (conv(a, b, 4, 2), nn.LeakyReLU(SLOPE))])
        features = BASE * BASE * chans[-1]
        self.head = uniform_(nn.Linear(features, 1), features)
        side = BASE << DOUBLINGS
        self.emb = nn.Embedding(CLASSES, features if PROJECTION else side * side)
        if PROJECTION:
            nn.init.normal_(self.emb.weight, 0.0, 1.0 / math.sqrt(features))

    def forward(self, x, y):
        if PROJECTION:
            phi = self.convs(x).flatten(1)
            return self.head(phi) + (phi * self.emb(y)).sum(1, keepdim=True)
        side = x.shape[-1]
        plane = self.emb(y).view(-1, 1, side, side)
        h = torch.cat([x, plane], 1)
        if CHANNELS_LAST:
            h = h.contiguous(memory_format=torch.channels_last)
        return self.head(self.convs(h).flatten(1))


def main():
    a = common.args(__doc__)
    torch.manual_seed(a.seed)
    x, y = common.mnist()
    images = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()  # [N, 1, 32, 32]
    if CHANNELS_LAST:
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.from_numpy(y).long()
    G, D = Generator(WIDTH), Discriminator(WIDTH)
    if CHANNELS_LAST:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    g_params, d_params = list(G.parameters()), list(D.parameters())
    one, out = fused_step(G, D, g_params, d_params, opt_g.step, opt_d.step, images, labels, a.seed)

    name = (f"PyTorch conv w{WIDTH} eager" + (" channels_last" if CHANNELS_LAST else "")
            + (" projection" if PROJECTION else ""))
    common.run(name, a, one, lambda: out[0].tolist())


if __name__ == "__main__":
    main()
