#!/usr/bin/env python3
"""Checks `cgan serve` against TensorFlow itself: the same SavedModel loaded with
tf.saved_model.load, the same requests, pixels compared bit for bit.

    python scripts/interop_serve.py SAVED_MODEL http://127.0.0.1:8501/v1/models/cgan

Needs tensorflow (e.g. tensorflow-cpu 2.21.0) and numpy; talks to the server with urllib only.
Exit code 0 when every check holds; 1 with the first difference otherwise.
"""
import json
import sys
import urllib.error
import urllib.request

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import types_pb2


def post(url, body):
    req = urllib.request.Request(url + ":predict", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def get(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main(saved_model, url):
    model = tf.saved_model.load(saved_model)
    checks = 0
    worst = 0.0  # the largest difference of a float image value

    # Metadata: every signature TensorFlow sees, with the same inputs, dtypes and shapes.
    served = get(url + "/metadata")["metadata"]["signature_def"]["signature_def"]
    if sorted(served) != sorted(model.signatures.keys()):
        fail(f"signatures: serve {sorted(served)}, TensorFlow {sorted(model.signatures.keys())}")
    for key, fn in model.signatures.items():
        for name, spec in fn.structured_input_signature[1].items():
            info = served[key]["inputs"][name]
            dims = [int(d["size"]) for d in info["tensor_shape"]["dim"]]
            want = [-1 if d is None else d for d in spec.shape.as_list()]
            dtype = types_pb2.DataType.Name(spec.dtype.as_datatype_enum)
            if info["dtype"] != dtype or dims != want:
                fail(f"{key}.{name}: serve {info['dtype']} {dims}, TensorFlow {dtype} {want}")
        checks += 1

    # generate: the README's request, columnar; pixels bit for bit, images float for float.
    for labels, seed in (([2, 0, 2, 6, 1, 1, 2, 7, 0, 1], 7), ([9, 8, 3], 123456789)):
        status, answer = post(url, {"signature_name": "generate",
                                    "inputs": {"labels": labels, "seed": seed}})
        if status != 200:
            fail(f"generate: HTTP {status} {answer}")
        out = model.signatures["generate"](labels=tf.constant(labels, tf.int32),
                                           seed=tf.constant(seed, tf.int64))
        tf_pixels = out["pixels"].numpy()
        serve_pixels = np.array(answer["outputs"]["pixels"], dtype=np.int64)
        if serve_pixels.shape != tf_pixels.shape or not np.array_equal(serve_pixels, tf_pixels):
            diff = int(np.sum(serve_pixels != tf_pixels)) if serve_pixels.shape == tf_pixels.shape else "shape"
            fail(f"generate pixels for seed {seed}: {diff} differ")
        # The floats come from another TensorFlow build (2.18 in Java, this one here), whose
        # kernels may round differently in the last bits; the pixels above must not differ.
        serve_images = np.array(answer["outputs"]["images"], dtype=np.float32)
        worst = max(worst, float(np.max(np.abs(serve_images - out["images"].numpy()))))
        checks += 1

    # serving_default in rows: noise from numpy, one plain list per instance.
    rng = np.random.default_rng(3)
    noise = rng.standard_normal((2, 100)).astype(np.float32)
    labels = [4, 2]
    status, answer = post(url, {"instances": [{"labels": l, "noise": z.tolist()}
                                              for l, z in zip(labels, noise)]})
    if status != 200:
        fail(f"serving_default: HTTP {status} {answer}")
    out = model.signatures["serving_default"](labels=tf.constant(labels, tf.int32),
                                              noise=tf.constant(noise))
    diff = np.abs(np.array(answer["predictions"], dtype=np.float32) - out["images"].numpy())
    if diff.shape != (2, 32, 32, 1) or np.max(diff) > 1e-5:
        fail(f"serving_default images differ by up to {np.max(diff)}")
    worst = max(worst, float(np.max(diff)))
    checks += 1

    # generate_styled: one hand, truncated.
    if "generate_styled" in model.signatures:
        inputs = {"labels": [1, 1, 2], "seed": 9, "same_style": True, "truncation": 0.5}
        status, answer = post(url, {"signature_name": "generate_styled", "inputs": inputs})
        out = model.signatures["generate_styled"](
            labels=tf.constant(inputs["labels"], tf.int32), seed=tf.constant(9, tf.int64),
            same_style=tf.constant(True), truncation=tf.constant(0.5, tf.float32))
        if status != 200 or not np.array_equal(np.array(answer["outputs"]["pixels"]), out["pixels"].numpy()):
            fail(f"generate_styled pixels differ (HTTP {status})")
        checks += 1

    print(f"OK: {checks} checks, serve and TensorFlow {tf.__version__} agree bit for bit on the"
          f" pixels; float images differ by at most {worst:.3g}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2].rstrip("/"))
