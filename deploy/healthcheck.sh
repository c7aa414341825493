#!/bin/bash
# Docker HEALTHCHECK of the cgan serve image (deploy/Dockerfile): GET /v1/models/NAME on the
# container's own port, TensorFlow Serving's model status. Healthy (exit 0) on HTTP 200 with
# state AVAILABLE; unhealthy (exit 1) otherwise. The image has no curl, so this speaks HTTP/1.1
# over bash's /dev/tcp. Moves to /v2/health/ready once serve has a readiness endpoint.
# Usage: healthcheck.sh [PORT, default 8501] [MODEL NAME, default cgan]
set -u
port=${1:-8501}
name=${2:-cgan}
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET /v1/models/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$name" >&3
IFS= read -r -t 5 status <&3 || exit 1
case $status in
  "HTTP/1.1 200"*) ;;
  *) exit 1 ;;
esac
# The rest of the answer (headers and the JSON body), bounded in time.
body=$(timeout 5 cat <&3) || exit 1
[[ $body == *'"state":"AVAILABLE"'* ]] || exit 1
exit 0
