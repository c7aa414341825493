"""cgan-java's network and fused step in JAX, the whole step under jax.jit (XLA CPU).

python scripts/peers/peer_jax.py --batch 64   (see common.py for the network)
"""

from functools import partial

import common
import jax
import jax.numpy as jnp
import numpy as np

from common import BETA1, BETA2, BN_EPS, BN_MOMENTUM, CLASSES, DROPOUT, EPS, LATENT, LR, SLOPE


def linear(key, n_in, n_out):
    kw, kb = jax.random.split(key)
    bound = 1.0 / np.sqrt(n_in)
    return {
        "w": jax.random.uniform(kw, (n_in, n_out), jnp.float32, -bound, bound),
        "b": jax.random.uniform(kb, (n_out,), jnp.float32, -bound, bound),
    }


def init(seed):
    k = iter(jax.random.split(jax.random.PRNGKey(seed), 16))
    g = {"emb": jax.random.normal(next(k), (CLASSES, CLASSES), jnp.float32)}
    bn = {}
    n_in = CLASSES + LATENT
    for i, w in enumerate(common.G_WIDTHS):
        g[f"fc{i}"] = linear(next(k), n_in, w)
        if i > 0:
            g[f"bn{i}"] = {"gamma": jnp.ones(w), "beta": jnp.zeros(w)}
            bn[f"bn{i}"] = {"mean": jnp.zeros(w), "var": jnp.ones(w)}
        n_in = w
    g["fc4"] = linear(next(k), n_in, common.SIZE * common.SIZE)
    d = {"emb": jax.random.normal(next(k), (CLASSES, CLASSES), jnp.float32)}
    ins = [common.SIZE * common.SIZE + CLASSES, common.D_WIDTH, common.D_WIDTH, common.D_WIDTH]
    outs = [common.D_WIDTH, common.D_WIDTH, common.D_WIDTH, 1]
    for i, (a, b) in enumerate(zip(ins, outs)):
        d[f"fc{i}"] = linear(next(k), a, b)
    return g, d, bn


def leaky(x):
    return jnp.where(x >= 0, x, SLOPE * x)


def generator(g, bn, z, y):
    x = jnp.concatenate([g["emb"][y], z], axis=-1)
    x = leaky(x @ g["fc0"]["w"] + g["fc0"]["b"])
    new_bn = {}
    n = z.shape[0]
    for i in range(1, len(common.G_WIDTHS)):
        h = x @ g[f"fc{i}"]["w"] + g[f"fc{i}"]["b"]
        mean = h.mean(0)
        var = ((h - mean) ** 2).mean(0)
        p = g[f"bn{i}"]
        x = leaky((h - mean) * jax.lax.rsqrt(var + BN_EPS) * p["gamma"] + p["beta"])
        r = bn[f"bn{i}"]
        new_bn[f"bn{i}"] = {
            "mean": r["mean"] * (1 - BN_MOMENTUM) + jax.lax.stop_gradient(mean) * BN_MOMENTUM,
            "var": r["var"] * (1 - BN_MOMENTUM)
            + jax.lax.stop_gradient(var * n / (n - 1)) * BN_MOMENTUM,
        }
    x = jnp.tanh(x @ g["fc4"]["w"] + g["fc4"]["b"])
    return x.reshape(-1, common.SIZE, common.SIZE, 1), new_bn


def dropout(key, x):
    keep = jax.random.uniform(key, x.shape) >= DROPOUT
    return x * keep * (1.0 / (1.0 - DROPOUT))


def discriminator(d, x, y, key):
    k1, k2 = jax.random.split(key)
    h = jnp.concatenate([x.reshape(x.shape[0], -1), d["emb"][y]], axis=-1)
    h = leaky(h @ d["fc0"]["w"] + d["fc0"]["b"])
    h = leaky(dropout(k1, h @ d["fc1"]["w"] + d["fc1"]["b"]))
    h = leaky(dropout(k2, h @ d["fc2"]["w"] + d["fc2"]["b"]))
    return h @ d["fc3"]["w"] + d["fc3"]["b"]


def adam(params, grads, m, v, t):
    lr_t = LR * jnp.sqrt(1 - BETA2**t) / (1 - BETA1**t)
    m = jax.tree_util.tree_map(lambda m, g: BETA1 * m + (1 - BETA1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, v, grads)
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + EPS), params, m, v)
    return params, m, v


def make_step(batch, images, labels):
    # The state is donated: XLA updates the weights and moments in place, as a JAX user would.
    @partial(jax.jit, donate_argnums=(0,))
    def step(state, idx, t):
        g, d, bn, mg, vg, md, vd = state
        key = jax.random.fold_in(jax.random.PRNGKey(1), t)
        kz, ky, kf, kr = jax.random.split(key, 4)
        z = jax.random.normal(kz, (batch, LATENT))
        y2 = jax.random.randint(ky, (batch,), 0, CLASSES)
        real, y1 = images[idx], labels[idx]

        def losses(g, d):
            fake, new_bn = generator(g, bn, z, y2)
            fs = discriminator(d, fake, y2, kf)
            rs = discriminator(d, real, y1, kr)
            lg = jnp.mean((fs - 1) ** 2)
            ld = 0.5 * (jnp.mean(fs**2) + jnp.mean((rs - 1) ** 2))
            return (lg, ld), new_bn

        (lg, ld), pullback, new_bn = jax.vjp(losses, g, d, has_aux=True)
        one, zero = jnp.ones_like(lg), jnp.zeros_like(lg)
        grad_g, _ = pullback((one, zero))
        _, grad_d = pullback((zero, one))
        tf = (t + 1).astype(jnp.float32)
        g, mg, vg = adam(g, grad_g, mg, vg, tf)
        d, md, vd = adam(d, grad_d, md, vd, tf)
        return (g, d, new_bn, mg, vg, md, vd), jnp.stack([ld, lg])

    return step


def main():
    a = common.args(__doc__)
    x, y = common.mnist()
    images, labels = jnp.asarray(x), jnp.asarray(y)
    g, d, bn = init(a.seed)
    zeros = lambda p: jax.tree_util.tree_map(jnp.zeros_like, p)
    state = [(g, d, bn, zeros(g), zeros(g), zeros(d), zeros(d))]
    out = [None]
    steps, batches, count = {}, {}, [0]

    def one(batch):
        if batch not in steps:
            steps[batch] = make_step(batch, images, labels)
            batches[batch] = common.Batches(len(y), batch, a.seed)
        idx = jnp.asarray(batches[batch].next())
        state[0], out[0] = steps[batch](state[0], idx, jnp.int32(count[0]))
        count[0] += 1

    common.run("JAX jit", a, one, lambda: jax.block_until_ready(out[0]))


if __name__ == "__main__":
    main()
