"""What every peer shares: arguments, the embedded 10k MNIST digits, timing and the result line.

The network, its initialisation, losses and optimiser are written out in each peer, in that
framework's own idiom, after cgan-java's reference (cgan-core: model/Generator.java,
model/Discriminator.java, model/layers/*, train/internal/TrainingGraph.java, Losses.java):

  G(z, y): concat(Embedding(10,10)(y), z) -> Linear 110->128, LeakyReLU 0.2
           -> [Linear -> BatchNorm1d(eps 0.8, momentum 0.1) -> LeakyReLU 0.2] 128->256->512->1024
           -> Linear 1024->1024 -> tanh -> [N, 32, 32, 1]
  D(x, y): concat(flatten(x), Embedding(10,10)(y)) -> Linear 1034->512, LeakyReLU
           -> Linear 512->512, Dropout 0.4, LeakyReLU -> Linear 512->512, Dropout 0.4, LeakyReLU
           -> Linear 512->1
  init:    Linear weights and biases U(+-1/sqrt(fan_in)); embeddings N(0, 1); BN gamma 1, beta 0
  losses:  L_D = 1/2 (mean(D(G(z,y2),y2)^2) + mean((1 - D(x,y1))^2)),  L_G = mean((1 - D(G(z,y2),y2))^2)
  step:    one forward pass (D(G(z)) computed once, one dropout mask for both losses); each loss
           differentiated w.r.t. its own network only; one Adam per network, lr 2e-4,
           betas (0.5, 0.999), eps 1e-8; BatchNorm running statistics updated; as cgan-java's
           fused step (3 G + 7 D multiply-add passes per image).

Data: the embedded digits resized 28->32 bilinearly (half-pixel centres) and scaled to [-1, 1]
once, up front (cgan-java resizes each batch inside its graph: a few microseconds more per step for
it); a fresh permutation every epoch; each peer gathers its batch from the in-memory set.
"""

import argparse
import gzip
import json
import os
import pathlib
import struct
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "cgan-core/src/main/resources/dev/cgan/data/mnist10k"

LATENT, CLASSES, SIZE = 100, 10, 32
LR, BETA1, BETA2, EPS = 2e-4, 0.5, 0.999, 1e-8
BN_EPS, BN_MOMENTUM, DROPOUT, SLOPE = 0.8, 0.1, 0.4, 0.2
G_WIDTHS = [128, 256, 512, 1024]
D_WIDTH = 512


def args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=20, help="untimed iterations (compilation included)")
    p.add_argument("--iterations", type=int, default=200, help="timed iterations")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--serve", action="store_true", help="take BATCH ITERATIONS requests on stdin")
    p.add_argument("--max-seconds", type=float, default=30.0,
                   help="stop timing after this long (at least 10 iterations): a peer that a busy"
                        " machine slows to a crawl still finishes")
    return p.parse_args()


def _idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    dims = struct.unpack(">" + "I" * (magic & 0xFF), raw[4 : 4 + 4 * (magic & 0xFF)])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def _resize_axis(n_in, n_out):
    """Bilinear weights with half-pixel centres (TF's half_pixel_centers, torchvision's grid)."""
    src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    src = np.clip(src, 0, n_in - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n_in - 1)
    w = (src - lo).astype(np.float32)
    m = np.zeros((n_out, n_in), np.float32)
    m[np.arange(n_out), lo] += 1 - w
    m[np.arange(n_out), hi] += w
    return m


def mnist():
    """images float32 [10000, 32, 32, 1] in [-1, 1], labels int32 [10000]."""
    x = _idx(DATA / "train-images-idx3-ubyte.gz").astype(np.float32)
    y = _idx(DATA / "train-labels-idx1-ubyte.gz").astype(np.int32)
    r = _resize_axis(x.shape[1], SIZE)
    c = _resize_axis(x.shape[2], SIZE)
    x = np.einsum("ij,njk,lk->nil", r, x, c)
    return (x * (2.0 / 255.0) - 1.0).astype(np.float32)[..., None], y


class Batches:
    """Index batches of a fresh permutation per epoch; whole batches only, as cgan-java."""

    def __init__(self, n, batch, seed):
        self.n, self.batch = n, batch
        self.rng = np.random.default_rng(seed)
        self.per_epoch = n // batch
        self.i = 0
        self.order = None

    def next(self):
        if self.i % self.per_epoch == 0:
            self.order = self.rng.permutation(self.n).astype(np.int32)
        k = self.i % self.per_epoch
        self.i += 1
        return self.order[k * self.batch : (k + 1) * self.batch]


def _measure(a, batch, warmup, iterations, step, sync):
    t0 = time.perf_counter()
    for _ in range(warmup):
        step(batch)
    sync()
    t1 = time.perf_counter()
    done = 0
    while done < iterations:
        step(batch)
        done += 1
        if done >= 10 and done % 10 == 0 and time.perf_counter() - t1 > a.max_seconds:
            break
    sync()
    t2 = time.perf_counter()
    return done * batch / (t2 - t1), done, t1 - t0


def run(name, a, step, sync):
    """Times step(batch) (one training iteration) and prints one RESULT line per measurement.

    Without --serve: --warmup untimed iterations, then up to --iterations timed ones, at --batch.
    With --serve: the process stays up and reads "BATCH ITERATIONS" lines from stdin, answering
    each with a RESULT line; a batch size's first request is preceded by --warmup iterations
    (compilation). compare.py keeps one such process per peer, so start-up is paid once and the
    rounds of a busy machine interleave cheaply.
    """
    def report(batch, ips, done, warm):
        print("RESULT " + json.dumps({"peer": name, "batch": batch, "images_per_sec": round(ips, 1),
                                      "iterations": done, "warmup_sec": round(warm, 2)}), flush=True)

    if not a.serve:
        ips, done, warm = _measure(a, a.batch, a.warmup, a.iterations, step, sync)
        report(a.batch, ips, done, warm)
        return
    warmed = set()
    print("READY", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        batch, iterations = (int(x) for x in line.split())
        ips, done, warm = _measure(a, batch, 0 if batch in warmed else a.warmup, iterations, step, sync)
        warmed.add(batch)
        report(batch, ips, done, warm)
