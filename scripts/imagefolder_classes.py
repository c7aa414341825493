#!/usr/bin/env python3
"""Prints the class order and the labels of torchvision's datasets.ImageFolder for a folder.

    .venv-ci/bin/python scripts/imagefolder_classes.py DIR

Output, one item a line, for cgan-core's TorchvisionInteropTest to compare with its own reader:
    class <index> <name>
    sample <label> <path relative to DIR, '/'-separated>

The mirror's torchvision wheel is a CUDA build whose C++ operators fail to register beside the
CPU-only torch, so `import torchvision` raises in torchvision._meta_registrations; ImageFolder is
pure Python, so an empty stand-in for that module is enough to import it. Nothing is installed.
"""
import os
import sys
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")

from torchvision.datasets import ImageFolder  # noqa: E402  (after the stand-in)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: imagefolder_classes.py DIR")
    root = argv[1]
    dataset = ImageFolder(root)
    for index, name in enumerate(dataset.classes):
        print(f"class {index} {name}")
    for path, label in dataset.samples:
        print(f"sample {label} {os.path.relpath(path, root).replace(os.sep, '/')}")


if __name__ == "__main__":
    main(sys.argv)
