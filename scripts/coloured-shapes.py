#!/usr/bin/env python3
"""Writes a small colour data set, a folder of RGB PNGs per class, for `train --images-dir`.

    python3 scripts/coloured-shapes.py OUT [--per-class 600] [--seed 1] [--min-size 24 --max-size 48]

OUT/<shape>/<index, 5 digits>.png: one filled shape per image (circle, square, triangle, cross,
ring) in a random saturated colour on a random dark background, at a random position and size;
each image is W x H with W and H drawn from [min-size, max-size] (so most are not square, which
exercises --resize). The class is the shape, the colour is free: a conditional GAN has to learn
shapes while keeping the colours varied. Standard library only (PNG written with zlib); refuses an
existing OUT.
"""
import argparse
import colorsys
import os
import random
import struct
import sys
import zlib

SHAPES = ["circle", "cross", "ring", "square", "triangle"]


def png_rgb(width, height, rgb):
    rows = b"".join(b"\x00" + bytes(rgb[y * width * 3:(y + 1) * width * 3]) for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def inside(kind, dx, dy, r):
    if kind == "circle":
        return dx * dx + dy * dy <= r * r
    if kind == "ring":
        d = dx * dx + dy * dy
        return (0.55 * r) ** 2 <= d <= r * r
    if kind == "square":
        return abs(dx) <= 0.8 * r and abs(dy) <= 0.8 * r
    if kind == "cross":
        return (abs(dx) <= 0.3 * r and abs(dy) <= r) or (abs(dy) <= 0.3 * r and abs(dx) <= r)
    # triangle, apex up
    return -r <= dy <= 0.8 * r and abs(dx) <= (dy + r) * 0.58


def image(kind, rnd, wmin, wmax):
    w, h = rnd.randint(wmin, wmax), rnd.randint(wmin, wmax)
    side = min(w, h)
    r = side * rnd.uniform(0.28, 0.4)
    cx = w / 2 + rnd.uniform(-0.1, 0.1) * side
    cy = h / 2 + rnd.uniform(-0.1, 0.1) * side
    fg = colorsys.hsv_to_rgb(rnd.random(), rnd.uniform(0.6, 1.0), rnd.uniform(0.75, 1.0))
    bg = colorsys.hsv_to_rgb(rnd.random(), rnd.uniform(0.0, 0.5), rnd.uniform(0.05, 0.3))
    fg = [int(255 * c) for c in fg]
    bg = [int(255 * c) for c in bg]
    px = []
    for y in range(h):
        for x in range(w):
            px.extend(fg if inside(kind, x + 0.5 - cx, y + 0.5 - cy, r) else bg)
    return w, h, px


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--per-class", type=int, default=600)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--min-size", type=int, default=24)
    p.add_argument("--max-size", type=int, default=48)
    a = p.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out} exists; choose a new folder")
    rnd = random.Random(a.seed)
    for kind in SHAPES:
        os.makedirs(os.path.join(a.out, kind))
        for i in range(a.per_class):
            w, h, px = image(kind, rnd, a.min_size, a.max_size)
            with open(os.path.join(a.out, kind, f"{i:05d}.png"), "wb") as f:
                f.write(png_rgb(w, h, px))
    print(f"wrote {a.per_class * len(SHAPES)} images of {len(SHAPES)} classes to {a.out}")


if __name__ == "__main__":
    main()
