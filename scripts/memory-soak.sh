#!/usr/bin/env bash
# Memory soak benchmark (not a test): trains a long run with the shaded CLI and reports the
# resident set size (VmRSS) of the training JVM after warm-up, in the middle and at the end.
# Native memory that grows with iterations (an unclosed Tensor or Result per step) shows up here
# long before it would in a unit test.
#
#   scripts/memory-soak.sh [ITERATIONS] [BATCH]        (defaults: 20000 iterations, batch 64)
#
# Environment: CGAN_JAR (the CLI jar), SOAK_DIR (where to work), SOAK_HEAP (Java heap, 512m).
#
# Needs cgan-cli/target/cgan-cli.jar (mvn -B -q package -DskipTests). Writes its run folder and
# an RSS trace (rss.csv: seconds, iteration, kB) into a temp folder it names, and keeps them.
set -euo pipefail

iterations=${1:-20000}
batch=${2:-64}
jar=${CGAN_JAR:-cgan-cli/target/cgan-cli.jar}
work=${SOAK_DIR:-$(mktemp -d -t cgan-soak.XXXXXX)}
mkdir -p "$work"
run=$work/run
trace=$work/rss.csv
# The warm-up sample: by then TensorFlow has built its kernels, the first checkpoint and sample
# grid are written, and the allocators have reached their working size.
warmup=$((iterations / 20))
middle=$((iterations / 2))
# The last sample before training ends; the final export and result.png load further graphs.
end=$((iterations - iterations / 100))

[[ -f $jar ]] || { echo "memory-soak: $jar not found; build with: mvn -B -q package -DskipTests" >&2; exit 1; }

# A copy: rebuilding the project while the soak runs must not swap the jar under the JVM.
cp "$jar" "$work/cgan-cli.jar"
# Set, so that the CLI does not relaunch itself: the JVM started here is the one that trains.
export TF_CPP_MIN_LOG_LEVEL=2
# A fixed, pre-touched Java heap: otherwise RSS climbs for many minutes while G1 first touches
# the pages of a heap it has already committed (seen: +60 MB over 10,000 iterations with the
# default heap), which hides what is measured here, the native memory of TensorFlow.
heap=${SOAK_HEAP:-512m}
java -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch -jar "$work/cgan-cli.jar" train --out "$run" --iterations "$iterations" --batch "$batch" --log-interval 50 \
  >"$work/train.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT INT TERM

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0; }
# The newest logged iteration: the first field of metrics.csv's last complete row.
reached() { { tail -n 2 "$run/metrics.csv" 2>/dev/null || true; } | awk -F, '$1 ~ /^[0-9]+$/ && NF == 8 {i = $1} END {print i + 0}'; }

echo "memory-soak: $iterations iterations at batch $batch, Java heap $heap; run folder $run, trace $trace"
echo "seconds,iteration,rss_kb" >"$trace"
start_s=$SECONDS
declare -A at=()
while kill -0 "$pid" 2>/dev/null; do
  it=$(reached)
  kb=$(rss_kb)
  echo "$((SECONDS - start_s)),$it,$kb" >>"$trace"
  for mark in warmup middle end; do
    if [[ -z ${at[$mark]:-} && $it -ge ${!mark} && $kb -gt 0 ]]; then
      at[$mark]=$kb
      printf '  %-6s iteration %6d  VmRSS %8.1f MB  (%ds)\n' "$mark" "$it" "$(echo "$kb / 1024" | bc -l)" "$((SECONDS - start_s))"
    fi
  done
  sleep 2
done
trap - EXIT INT TERM
wait "$pid" || { echo "memory-soak: training failed; see $work/train.log" >&2; tail -n 5 "$work/train.log" >&2; exit 1; }

if [[ -z ${at[warmup]:-} || -z ${at[end]:-} ]]; then
  echo "memory-soak: the run ended before the samples were taken; see $trace" >&2
  exit 1
fi
peak=$(awk -F, 'NR > 1 && $3 > p {p = $3} END {print p}' "$trace")
growth=$(printf '%.2f' "$(echo "100 * (${at[end]} - ${at[warmup]}) / ${at[warmup]}" | bc -l)")
echo "memory-soak: warm-up ${at[warmup]} kB, middle ${at[middle]} kB, end ${at[end]} kB, peak $peak kB;" \
  "growth warm-up → end ${growth} % in $((SECONDS - start_s)) s"
