#!/usr/bin/env bash
# Resident memory of `serve --model-base-path` across RELOADS new versions (default 10): each
# version is copied in as `export` writes one (a hidden folder, renamed), the script waits on the
# status endpoint until it is AVAILABLE and the one before it END (closed), sends 200 predicts,
# then reads VmRSS from /proc. The heap is fixed and pre-touched, so what grows is native memory.
#
#   scripts/reload_memory.sh run/saved_model [RELOADS]
#
# Needs cgan-cli/target/cgan-cli.jar (mvn -B -q package -DskipTests), curl, and Linux's /proc.
set -euo pipefail
model=${1:?usage: scripts/reload_memory.sh SAVED_MODEL [RELOADS]}
reloads=${2:-10}
jar=${CGAN_JAR:-cgan-cli/target/cgan-cli.jar}
work=$(mktemp -d)
base=$work/models
mkdir "$base"
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

publish() { cp -r "$model" "$base/.$1" && mv "$base/.$1" "$base/$1"; }
publish 1
# Both set: the CLI does not relaunch itself, so $! is the serving JVM.
export TF_CPP_MIN_LOG_LEVEL=2 TF_OVERRIDE_GLOBAL_THREADPOOL=1
java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -jar "$jar" serve --model-base-path "$base" \
  --port 0 --poll-seconds 1 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do
  url=$(grep -o 'at http://[^ ]*' "$work/out" | head -1 | cut -c4- || true)
  [[ -n $url ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
  sleep 0.1
done
status() { curl -sf "${url}v1/models/cgan"; }
state_of() { status | tr '{' '\n' | grep "\"version\":\"$1\"" | sed 's/.*"state":"\([A-Z]*\)".*/\1/'; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
load() {
  for _ in $(seq 200); do
    curl -sf -o /dev/null -d '{"signature_name":"generate","inputs":{"labels":[3,1,4],"seed":7}}' \
      "${url}v1/models/cgan:predict"
  done
}
load
first=$(rss)
echo "version 1: VmRSS $((first / 1024)) MiB"
for v in $(seq 2 $((reloads + 1))); do
  publish "$v"
  for _ in $(seq 1200); do
    [[ $(state_of "$v") == AVAILABLE && $(state_of $((v - 1))) == END ]] && break
    sleep 0.05
  done
  [[ $(state_of "$v") == AVAILABLE ]] || { echo "version $v never became AVAILABLE" >&2; exit 1; }
  load
  now=$(rss)
  echo "version $v: VmRSS $((now / 1024)) MiB"
done
echo "growth over $reloads reloads: $(((now - first) / 1024)) MiB," \
  "$(((now - first) / reloads)) KiB per reload"
