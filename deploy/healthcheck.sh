#!/bin/bash
# Docker HEALTHCHECK of the cgan serve image (deploy/Dockerfile): GET /v2/health/ready on the
# container's own port, the Open Inference Protocol's readiness probe. Healthy (exit 0) on HTTP
# 200 with {"ready":true} (the model is loaded and has answered its warm-up generation);
# unhealthy (exit 1) otherwise, e.g. 503 once a stop has begun. The image has no curl, so this
# speaks HTTP/1.1 over bash's /dev/tcp.
# Usage: healthcheck.sh [PORT, default 8501]
set -u
port=${1:-8501}
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET /v2/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || exit 1
case $status in
  "HTTP/1.1 200"*) ;;
  *) exit 1 ;;
esac
# The rest of the answer (headers and the JSON body), bounded in time.
body=$(timeout 5 cat <&3) || exit 1
[[ $body == *'"ready":true'* ]] || exit 1
exit 0
