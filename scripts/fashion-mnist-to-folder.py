#!/usr/bin/env python3
"""Writes Fashion-MNIST as a folder of PNGs per class name, the layout `train --images-dir` reads.

    apt-get install dataset-fashion-mnist        # IDX files in /usr/share/datasets/fashion-mnist
    python3 scripts/fashion-mnist-to-folder.py OUT [--split train|t10k] [--source DIR] [--limit N]

OUT/<class name>/<index, 5 digits>.png, 8-bit grey, 28x28, as stored (0 = background): the same
pixels as the IDX file, so a model trained on the folder sees the IDX data bit for bit. Class
folders are named by Fashion-MNIST's labels (0 T-shirt_top ... 9 Ankle boot, with '/' and spaces
made '_'), prefixed with the label's digit so that sorted order, torchvision's and ours, keeps the
dataset's label numbers. Standard library only (PNG written with zlib); refuses an existing OUT.
"""
import argparse
import gzip
import os
import struct
import sys
import zlib

CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def read_idx(path, rank):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or dims != rank:
        sys.exit(f"{path}: expected a {rank}-dim ubyte IDX file")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def png(width, height, pixels):
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def find(source, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(source, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"{source}: no {name}[.gz] (apt-get install dataset-fashion-mnist?)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--split", default="train", choices=["train", "t10k"])
    p.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--limit", type=int, default=0, help="write only the first N images")
    a = p.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out}: exists; give a new folder")
    (n, h, w), pixels = read_idx(find(a.source, f"{a.split}-images-idx3-ubyte"), 3)
    (m,), labels = read_idx(find(a.source, f"{a.split}-labels-idx1-ubyte"), 1)
    if n != m:
        sys.exit(f"{n} images but {m} labels")
    count = min(n, a.limit) if a.limit > 0 else n
    tmp = a.out + ".partial"
    names = [f"{i}_{c}" for i, c in enumerate(CLASSES)]
    for name in names:
        os.makedirs(os.path.join(tmp, name), exist_ok=True)
    size = h * w
    for i in range(count):
        path = os.path.join(tmp, names[labels[i]], f"{i:05d}.png")
        with open(path, "wb") as f:
            f.write(png(w, h, pixels[i * size:(i + 1) * size]))
    os.rename(tmp, a.out)  # the folder appears complete or not at all
    print(f"{a.out}: {count} images of {h}x{w} in {len(names)} class folders")


if __name__ == "__main__":
    main()
