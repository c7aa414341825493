"""cgan-java's network and fused step in TensorFlow for Python: tf.function, with --xla for
jit_compile=True (XLA CPU). Adam is TensorFlow's ResourceApplyAdam kernel, the one cgan-java uses.

python scripts/peers/peer_tf.py --batch 64 [--xla]   (see common.py for the network)
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
XLA = "--xla" in sys.argv
if XLA:
    sys.argv.remove("--xla")

import common
import numpy as np
import tensorflow as tf

from common import BETA1, BETA2, BN_EPS, BN_MOMENTUM, CLASSES, DROPOUT, EPS, LATENT, LR, SLOPE


def uniform(shape, bound, seed):
    return tf.Variable(tf.random.stateless_uniform(shape, [seed, 0], -bound, bound))


class Linear:
    def __init__(self, n_in, n_out, seed):
        b = 1.0 / np.sqrt(n_in)
        self.w, self.b = uniform([n_in, n_out], b, seed), uniform([n_out], b, seed + 1)
        self.vars = [self.w, self.b]

    def __call__(self, x):
        return tf.nn.bias_add(tf.matmul(x, self.w), self.b)


class BatchNorm:
    def __init__(self, n):
        self.gamma, self.beta = tf.Variable(tf.ones([n])), tf.Variable(tf.zeros([n]))
        self.mean, self.var = tf.Variable(tf.zeros([n])), tf.Variable(tf.ones([n]))
        self.vars = [self.gamma, self.beta]

    def __call__(self, x):
        mean = tf.reduce_mean(x, 0)
        var = tf.reduce_mean(tf.math.squared_difference(x, mean), 0)
        n = tf.cast(tf.shape(x)[0], tf.float32)
        self.mean.assign(self.mean * (1 - BN_MOMENTUM) + tf.stop_gradient(mean) * BN_MOMENTUM)
        self.var.assign(
            self.var * (1 - BN_MOMENTUM) + tf.stop_gradient(var * n / (n - 1)) * BN_MOMENTUM
        )
        return (x - mean) * tf.math.rsqrt(var + BN_EPS) * self.gamma + self.beta


def leaky(x):
    return tf.nn.leaky_relu(x, SLOPE)


class Generator:
    def __init__(self, seed):
        self.emb = tf.Variable(tf.random.stateless_normal([CLASSES, CLASSES], [seed, 99]))
        self.fc, self.bn = [], []
        n_in = CLASSES + LATENT
        for i, w in enumerate(common.G_WIDTHS):
            self.fc.append(Linear(n_in, w, seed + 10 * i))
            if i > 0:
                self.bn.append(BatchNorm(w))
            n_in = w
        self.fc.append(Linear(n_in, common.SIZE * common.SIZE, seed + 50))
        self.vars = [self.emb] + [v for l in self.fc + self.bn for v in l.vars]

    def __call__(self, z, y):
        x = leaky(self.fc[0](tf.concat([tf.gather(self.emb, y), z], -1)))
        for i in range(1, 4):
            x = leaky(self.bn[i - 1](self.fc[i](x)))
        return tf.reshape(tf.tanh(self.fc[4](x)), [-1, common.SIZE, common.SIZE, 1])


class Discriminator:
    def __init__(self, seed):
        self.emb = tf.Variable(tf.random.stateless_normal([CLASSES, CLASSES], [seed, 98]))
        w = common.D_WIDTH
        ins = [common.SIZE * common.SIZE + CLASSES, w, w, w]
        self.fc = [Linear(a, b, seed + 100 + 10 * i) for i, (a, b) in enumerate(zip(ins, [w, w, w, 1]))]
        self.vars = [self.emb] + [v for l in self.fc for v in l.vars]

    def __call__(self, x, y, seed):
        h = tf.concat([tf.reshape(x, [tf.shape(x)[0], -1]), tf.gather(self.emb, y)], -1)
        h = leaky(self.fc[0](h))
        for i in (1, 2):
            h = self.fc[i](h)
            keep = tf.random.stateless_uniform(tf.shape(h), seed + [i, 0]) >= DROPOUT
            h = leaky(h * tf.cast(keep, tf.float32) * (1.0 / (1.0 - DROPOUT)))
        return self.fc[3](h)


class Adam:
    def __init__(self, variables):
        self.vars = variables
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.b1p, self.b2p = tf.Variable(BETA1), tf.Variable(BETA2)

    def apply(self, grads):
        for v, m, s, g in zip(self.vars, self.m, self.v, grads):
            tf.raw_ops.ResourceApplyAdam(
                var=v.handle, m=m.handle, v=s.handle, beta1_power=self.b1p, beta2_power=self.b2p,
                lr=LR, beta1=BETA1, beta2=BETA2, epsilon=EPS, grad=g)
        self.b1p.assign(self.b1p * BETA1)
        self.b2p.assign(self.b2p * BETA2)


def main():
    a = common.args(__doc__)
    x, y = common.mnist()
    images, labels = tf.constant(x), tf.constant(y)
    G, D = Generator(a.seed), Discriminator(a.seed)
    adam_g, adam_d = Adam(G.vars), Adam(D.vars)
    @tf.function(jit_compile=XLA)
    def step(idx, t):
        batch = idx.shape[0]
        seed = tf.stack([tf.constant(a.seed, tf.int64), tf.cast(t, tf.int64)])
        z = tf.random.stateless_normal([batch, LATENT], seed + [1, 0])
        y2 = tf.random.stateless_uniform([batch], seed + [2, 0], 0, CLASSES, tf.int32)
        real, y1 = tf.gather(images, idx), tf.gather(labels, idx)
        with tf.GradientTape(persistent=True) as tape:
            fake = G(z, y2)
            fs = D(fake, y2, seed + [3, 0])
            rs = D(real, y1, seed + [4, 0])
            lg = tf.reduce_mean(tf.square(fs - 1))
            ld = 0.5 * (tf.reduce_mean(tf.square(fs)) + tf.reduce_mean(tf.square(rs - 1)))
        grad_g = tape.gradient(lg, G.vars)
        grad_d = tape.gradient(ld, D.vars)
        adam_g.apply(grad_g)
        adam_d.apply(grad_d)
        return tf.stack([ld, lg])

    batches, out, count = {}, [None], [0]

    def one(batch):
        if batch not in batches:
            batches[batch] = common.Batches(len(y), batch, a.seed)
        out[0] = step(tf.constant(batches[batch].next()), tf.constant(count[0], tf.int32))
        count[0] += 1

    common.run("TensorFlow " + ("jit_compile=True (XLA)" if XLA else "tf.function"), a, one,
               lambda: out[0].numpy())


if __name__ == "__main__":
    main()
