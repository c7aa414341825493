#!/usr/bin/env python3
"""cgan-java against its peers, side by side: every round runs each peer and cgan-java once per
batch size, in turn (interleaved, so that a busy spell of a shared machine hits all of them), and
the table gives each one's median over rounds and its ratio to the fastest peer.

  python3 scripts/peers/compare.py [--rounds 3] [--batches 64,256] [--variants plain,avx2] [--out peers.json]
  python3 scripts/peers/compare.py --arch conv [--width 32] ...   # the conv network against PyTorch

Each peer (and cgan-java's step) is one long-lived process per variant, started once, that takes
"BATCH ITERATIONS" requests on stdin (--serve): start-up and compilation are paid once, and a round
is a request to each in turn. Variant "avx2" starts its processes with every instruction-set cap
the frameworks read: ONEDNN_MAX_CPU_ISA=AVX2 (oneDNN: TensorFlow's and cgan-java's matmuls,
PyTorch's mkldnn ops), XLA_FLAGS=--xla_cpu_max_isa=AVX2 (XLA's code generation: JAX, TF
jit_compile), ATEN_CPU_CAPABILITY=avx2 (PyTorch's own vector kernels), MKL_ENABLE_INSTRUCTIONS=AVX2
(MKL's GEMM under PyTorch). That is this CPU's cores, caches and memory executing AVX2 code paths,
not an AVX2-only machine: Eigen kernels compiled in and anything that dispatches by other means stay
as they are.

cgan-java is measured twice: "cgan-java step" is the trainer's step timed like the peers (warm-up,
then a timed stretch, in one process: dev.cgan.bench.PeerStep, on the threads `train` chooses on
this machine, cached in $CGAN_CACHE_DIR/threads.json or measured at start); "cgan-java train" is the CLI's
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

VARIANTS = {
    "plain": {},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2",
             "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
}

PEERS = [
    ("JAX jit", ["peer_jax.py"]),
    ("TensorFlow tf.function", ["peer_tf.py"]),
    ("TensorFlow jit_compile=True (XLA)", ["peer_tf.py", "--xla"]),
    ("PyTorch eager", ["peer_torch.py"]),
    ("PyTorch torch.compile", ["peer_torch.py", "--compile"]),
]
CONV_PEERS = [
    ("PyTorch conv eager", ["peer_torch_conv.py"]),
    ("PyTorch conv eager channels_last", ["peer_torch_conv.py", "--channels-last"]),
]
OURS = ("cgan-java step", "cgan-java train")
BF16 = "cgan-java step --precision bf16"
BASELINE = "cgan-java step, --baseline-jar"


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


def train_seconds(jar, batch, iterations, env, timeout, network=()):
    out = tempfile.mkdtemp(prefix="cgan-compare-")
    try:
        cmd = ["java", "-jar", str(jar), "train", "--out", out + "/run", "--iterations",
               str(iterations), "--batch", str(batch), "--ema", "0", "--log-interval", "1000000",
               "--sample-interval", "1000000", "--checkpoint-interval", "1000000", *network]
        p, sec = run(cmd, env, timeout)
        if p.returncode != 0:
            raise RuntimeError("train failed: " + (p.stderr or p.stdout).strip()[-500:])
        return sec
    finally:
        shutil.rmtree(out, ignore_errors=True)


class Server:
    """One peer's long-lived --serve process."""

    def __init__(self, name, cmd, env):
        self.name = name
        self.p = subprocess.Popen(cmd + ["--serve"], env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.error = None
        line = self._line()
        if line != "READY":
            self.fail(line)

    def _line(self):
        while True:
            line = self.p.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if line == "READY" or line.startswith("RESULT "):
                return line

    def fail(self, line):
        self.p.kill()
        err = self.p.stderr.read().strip().splitlines()
        self.error = (err[-1] if err else line or "no output")[:200]

    def measure(self, batch, iterations):
        if self.error:
            return None
        self.p.stdin.write(f"{batch} {iterations}\n")
        self.p.stdin.flush()
        line = self._line()
        if line is None:
            self.fail(None)
            return None
        return json.loads(line[len("RESULT "):])

    def close(self):
        if not self.error:
            self.p.stdin.close()
            self.p.wait(timeout=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", default="64,256")
    ap.add_argument("--variants", default="plain", help="comma-separated: plain, avx2 (default plain)")
    ap.add_argument("--images", type=int, default=12800,
                    help="images per timed stretch (iterations = images / batch; default 12800;"
                         " a stretch stops after --max-seconds)")
    ap.add_argument("--max-seconds", type=float, default=20)
    ap.add_argument("--train-images", type=int, default=25600,
                    help="images between the two `train` lengths (default 25600: start-up varies by"
                         " seconds on a shared machine, so the difference needs a long stretch)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    ap.add_argument("--jar", default=str(ROOT / "cgan-cli/target/cgan-cli.jar"))
    ap.add_argument("--baseline-jar", default="",
                    help="also time the step of another build (say, main's before a change) in the"
                         " same rounds: an A/B of a change, side by side")
    ap.add_argument("--only", default="", help="comma-separated names to run (default: all)")
    ap.add_argument("--no-train", action="store_true", help="skip the two-length `train` runs")
    ap.add_argument("--train-variants", default="plain",
                    help="variants that also time `train` (default plain: the runs are long)")
    ap.add_argument("--out", default="", help="write the results as JSON here (one file per variant:"
                                              " NAME.json, NAME-avx2.json)")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--arch", default="mlp", choices=("mlp", "conv"),
                    help="conv: the conv network (train --arch conv) against its PyTorch peer,"
                         " peer_torch_conv.py, instead of the reference against every peer")
    ap.add_argument("--width", type=int, default=32, help="the conv network's base channels")
    ap.add_argument("--bf16", action="store_true",
                    help="also time cgan-java's step with --precision bf16 (other numerics; needs"
                         " AVX-512-BF16 or AMX, so the plain variant only)")
    a = ap.parse_args()
    global PEERS
    network = ()
    if a.arch == "conv":
        network = ("--arch", "conv", "--width", str(a.width))
        PEERS = [(n, s + ["--width", str(a.width)]) for n, s in CONV_PEERS]

    base = dict(os.environ)
    base.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    base.setdefault("TF_OVERRIDE_GLOBAL_THREADPOOL", "1")
    batches = [int(b) for b in a.batches.split(",")]
    variants = a.variants.split(",")
    only = set(filter(None, a.only.split(",")))
    model, isa = cpu_line()
    print(f"CPU: {model}; {os.cpu_count()} CPUs; {' '.join(isa)}", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)

    servers = {}  # (variant, name) -> Server
    for v in variants:
        env = dict(base, **VARIANTS[v])
        for name, script in PEERS:
            if not only or name in only:
                servers[(v, name)] = Server(name, [a.python, str(HERE / script[0])] + script[1:]
                                            + ["--warmup", str(a.warmup), "--max-seconds",
                                               str(a.max_seconds)], env)
        if not only or OURS[0] in only:
            servers[(v, OURS[0])] = Server(OURS[0], ["java", "-cp", a.jar, "dev.cgan.bench.PeerStep",
                                                     "--warmup", str(a.warmup), "--max-seconds",
                                                     str(a.max_seconds), "--tuned-threads",
                                                     *network], env)
        if a.baseline_jar:
            servers[(v, BASELINE)] = Server(BASELINE, ["java", "-cp", a.baseline_jar,
                                                       "dev.cgan.bench.PeerStep", "--warmup",
                                                       str(a.warmup), "--max-seconds",
                                                       str(a.max_seconds), *network], env)
        if a.bf16 and v == "plain":
            servers[(v, BF16)] = Server(BF16, ["java", "-cp", a.jar, "dev.cgan.bench.PeerStep",
                                               "--warmup", str(a.warmup), "--max-seconds",
                                               str(a.max_seconds), "--bf16", *network], env)
    print("started: " + ", ".join(f"{n} [{v}]" for (v, n), s in servers.items() if not s.error),
          flush=True)

    samples = {}  # (variant, name, batch) -> [images/s]
    by_round = {}  # (variant, name, batch, round) -> images/s
    try:
        for r in range(1, a.rounds + 1):
            for batch in batches:
                iterations = max(10, a.images // batch)
                for v in variants:
                    for (sv, name), server in servers.items():
                        if sv != v:
                            continue
                        res = server.measure(batch, iterations)
                        if res is None:
                            print(f"  {name} [{v}]: failed: {server.error}", flush=True)
                            continue
                        samples.setdefault((v, name, batch), []).append(res["images_per_sec"])
                        by_round[(v, name, batch, r)] = res["images_per_sec"]
                        print(f"round {r} batch {batch:4d} [{v}] {name:36s}"
                              f" {res['images_per_sec']:8.0f} img/s", flush=True)
                    if (not a.no_train and v in a.train_variants.split(",")
                            and (not only or OURS[1] in only)):
                        env = dict(base, **VARIANTS[v])
                        extra = max(10, a.train_images // batch)
                        short = train_seconds(a.jar, batch, a.warmup, env, a.timeout, network)
                        long = train_seconds(a.jar, batch, a.warmup + extra, env, a.timeout,
                                             network)
                        ips = extra * batch / (long - short) if long > short else float("nan")
                        samples.setdefault((v, OURS[1], batch), []).append(round(ips, 1))
                        by_round[(v, OURS[1], batch, r)] = ips
                        print(f"round {r} batch {batch:4d} [{v}] {OURS[1]:36s} {ips:8.0f} img/s"
                              f" ({long:.1f} s - {short:.1f} s)", flush=True)
    finally:
        for s in servers.values():
            try:
                s.close()
            except Exception:
                s.p.kill()

    names = ([n for n, _ in PEERS] + list(OURS) + ([BASELINE] if a.baseline_jar else [])
             + ([BF16] if a.bf16 else []))
    for v in variants:
        rows, best = [], {}
        print()
        print(f"[{v}] {' '.join(f'{k}={x}' for k, x in VARIANTS[v].items()) or 'no caps'}")
        print(f"images/s, median of {a.rounds} interleaved rounds (min-max); ratio = median / best peer's"
              f" median; [per-round: median over rounds of images/s / that round's best peer]")
        print(f"{'':36s}" + "".join(f"{'batch ' + str(b):>38s}" for b in batches))
        for b in batches:
            m = [statistics.median(samples[(v, n, b)]) for n, _ in PEERS if (v, n, b) in samples]
            best[b] = max(m) if m else float("nan")
        for n in names:
            cells = ""
            for b in batches:
                s = samples.get((v, n, b))
                if not s:
                    cells += f"{'-':>29s}"
                    continue
                m = statistics.median(s)
                per_round = []
                for r in range(1, a.rounds + 1):
                    peers_r = [by_round[(v, pn, b, r)] for pn, _ in PEERS if (v, pn, b, r) in by_round]
                    if (v, n, b, r) in by_round and peers_r:
                        per_round.append(by_round[(v, n, b, r)] / max(peers_r))
                pr = statistics.median(per_round) if per_round else float("nan")
                rows.append({"name": n, "batch": b, "median": m, "min": min(s), "max": max(s),
                             "samples": s, "ratio_to_best_peer": m / best[b],
                             "per_round_ratio_to_best_peer": per_round,
                             "median_per_round_ratio": pr})
                cells += f"{m:9.0f} ({min(s):6.0f}-{max(s):6.0f}) {m / best[b]:5.2f}x [{pr:5.2f}x]"
            print(f"{n:36s}{cells}")
        left_out = {n: s.error for (sv, n), s in servers.items() if sv == v and s.error}
        for n, why in left_out.items():
            print(f"left out: {n}: {why}")
        if a.out:
            out = pathlib.Path(a.out)
            if v != "plain":
                out = out.with_name(out.stem + "-" + v + out.suffix)
            out.write_text(json.dumps({
                "cpu": model, "cpus": os.cpu_count(), "isa": isa,
                "onednn_max_cpu_isa": VARIANTS[v].get("ONEDNN_MAX_CPU_ISA", os.environ.get("ONEDNN_MAX_CPU_ISA")),
                "xla_flags": VARIANTS[v].get("XLA_FLAGS", os.environ.get("XLA_FLAGS")),
                "variant": v, "rounds": a.rounds, "date": time.strftime("%Y-%m-%d %H:%M"),
                "load_average_end": os.getloadavg()[0],
                "best_peer": {str(b): best[b] for b in batches}, "rows": rows,
                "left_out": left_out}, indent=1) + "\n")
            print(f"wrote {out}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
