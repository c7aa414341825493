#!/usr/bin/env python3
"""cgan-java against its peers, side by side: every round runs each peer and cgan-java once per
batch size, in turn (interleaved, so that a busy spell of a shared machine hits all of them), and
the table gives each one's median over rounds and its ratio to the fastest peer.

  python3 scripts/peers/compare.py [--rounds 3] [--batches 64,256] [--out peers.json]

cgan-java is measured twice: "cgan-java step" is the trainer's step timed like the peers (warm-up,
then a timed stretch, in one process: dev.cgan.bench.PeerStep); "cgan-java train" is the CLI's
`train`, as the difference of two --iterations lengths so that start-up, the final sample,
checkpoint and export cancel. Both run the reference network without the averaged generator
(--ema 0), the work the peers do; the default `train` adds the average (about 2 % at batch 64).

Peers run in the venv given by --python (default /tmp/peers-venv/bin/python; make it with
python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install jax jaxlib tensorflow-cpu torch numpy).
A peer that cannot start (package missing) is reported and left out. Environment variables such as
ONEDNN_MAX_CPU_ISA=AVX2 pass through to every process; `bench --peers peers.json` prints the ratios.
"""

import argparse
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PEERS = [
    ("JAX jit", ["peer_jax.py"]),
    ("TensorFlow tf.function", ["peer_tf.py"]),
    ("TensorFlow jit_compile=True (XLA)", ["peer_tf.py", "--xla"]),
    ("PyTorch eager", ["peer_torch.py"]),
    ("PyTorch torch.compile", ["peer_torch.py", "--compile"]),
]
OURS = ("cgan-java step", "cgan-java train")


def cpu_line():
    model, flags = "unknown", set()
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.*)$", text, re.M).group(1).strip()
        flags = set(re.search(r"^flags\s*:\s*(.*)$", text, re.M).group(1).split())
    except (OSError, AttributeError):
        pass
    isa = sorted(f for f in flags if f == "avx2" or f.startswith("avx512") or f.startswith("amx"))
    return model, isa


def result_line(text):
    for line in reversed(text.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return None


def run(cmd, env, timeout):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return p, time.perf_counter() - t0


def train_seconds(jar, batch, iterations, env, timeout):
    out = tempfile.mkdtemp(prefix="cgan-compare-")
    try:
        cmd = ["java", "-jar", str(jar), "train", "--out", out + "/run", "--iterations",
               str(iterations), "--batch", str(batch), "--ema", "0", "--log-interval", "1000000",
               "--sample-interval", "1000000", "--checkpoint-interval", "1000000"]
        p, sec = run(cmd, env, timeout)
        if p.returncode != 0:
            raise RuntimeError("train failed: " + (p.stderr or p.stdout).strip()[-500:])
        return sec
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", default="64,256")
    ap.add_argument("--images", type=int, default=12800,
                    help="images per timed stretch (iterations = images / batch; default 12800)")
    ap.add_argument("--train-images", type=int, default=38400,
                    help="images between the two `train` lengths (default 38400: start-up varies by"
                         " seconds on a shared machine, so the difference needs a long stretch)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    ap.add_argument("--jar", default=str(ROOT / "cgan-cli/target/cgan-cli.jar"))
    ap.add_argument("--only", default="", help="comma-separated names to run (default: all)")
    ap.add_argument("--no-train", action="store_true", help="skip the two-length `train` runs")
    ap.add_argument("--out", default="", help="write the results as JSON here")
    ap.add_argument("--timeout", type=int, default=900)
    a = ap.parse_args()

    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_OVERRIDE_GLOBAL_THREADPOOL", "1")
    batches = [int(b) for b in a.batches.split(",")]
    only = set(filter(None, a.only.split(",")))
    model, isa = cpu_line()
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA")
    print(f"CPU: {model}; {os.cpu_count()} CPUs; {' '.join(isa)}; ONEDNN_MAX_CPU_ISA={cap or 'unset'};"
          f" XLA_FLAGS={os.environ.get('XLA_FLAGS', 'unset')}", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)

    samples = {}  # (name, batch) -> [images/s]
    missing = {}
    for r in range(1, a.rounds + 1):
        for batch in batches:
            iterations = max(10, a.images // batch)
            common = ["--batch", str(batch), "--warmup", str(a.warmup), "--iterations", str(iterations)]
            jobs = [(n, [a.python, str(HERE / s[0])] + s[1:] + common) for n, s in PEERS]
            jobs.append((OURS[0], ["java", "-cp", a.jar, "dev.cgan.bench.PeerStep"] + common))
            for name, cmd in jobs:
                if (only and name not in only) or name in missing:
                    continue
                p, _ = run(cmd, env, a.timeout)
                res = result_line(p.stdout)
                if p.returncode != 0 or res is None:
                    missing[name] = (p.stderr or p.stdout).strip().splitlines()[-1:] or ["no output"]
                    print(f"  {name}: failed, left out: {missing[name][0][:200]}", flush=True)
                    continue
                samples.setdefault((name, batch), []).append(res["images_per_sec"])
                print(f"round {r} batch {batch:4d} {name:36s} {res['images_per_sec']:8.0f} img/s",
                      flush=True)
            if not a.no_train and (not only or OURS[1] in only):
                extra = max(10, a.train_images // batch)
                short = train_seconds(a.jar, batch, a.warmup, env, a.timeout)
                long = train_seconds(a.jar, batch, a.warmup + extra, env, a.timeout)
                ips = extra * batch / (long - short) if long > short else float("nan")
                samples.setdefault((OURS[1], batch), []).append(round(ips, 1))
                print(f"round {r} batch {batch:4d} {OURS[1]:36s} {ips:8.0f} img/s"
                      f" ({long:.1f} s - {short:.1f} s)", flush=True)

    names = [n for n, _ in PEERS] + list(OURS)
    rows = []
    print()
    print(f"images/s, median of {a.rounds} interleaved rounds (min-max); ratio = median / best peer's median")
    header = f"{'':36s}" + "".join(f"{'batch ' + str(b):>26s}" for b in batches)
    print(header)
    best = {}
    for b in batches:
        peer_medians = [statistics.median(samples[(n, b)]) for n, _ in PEERS if (n, b) in samples]
        best[b] = max(peer_medians) if peer_medians else float("nan")
    for n in names:
        cells = ""
        for b in batches:
            s = samples.get((n, b))
            if not s:
                cells += f"{'-':>26s}"
                continue
            m = statistics.median(s)
            rows.append({"name": n, "batch": b, "median": m, "min": min(s), "max": max(s),
                         "samples": s, "ratio_to_best_peer": m / best[b]})
            cells += f"{m:9.0f} ({min(s):5.0f}-{max(s):5.0f}) {m / best[b]:5.2f}x"
        print(f"{n:36s}{cells}")
    for n, why in missing.items():
        print(f"left out: {n}: {why[0][:200]}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps({
            "cpu": model, "cpus": os.cpu_count(), "isa": isa, "onednn_max_cpu_isa": cap,
            "xla_flags": os.environ.get("XLA_FLAGS"), "rounds": a.rounds,
            "date": time.strftime("%Y-%m-%d %H:%M"), "host": platform.node(),
            "best_peer": {str(b): best[b] for b in batches}, "rows": rows,
            "left_out": {n: w[0] for n, w in missing.items()}}, indent=1) + "\n")
        print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
