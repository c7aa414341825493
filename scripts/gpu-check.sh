#!/usr/bin/env bash
# One short check for a machine with an NVIDIA GPU: build with -Pgpu, list the devices TensorFlow
# finds, and run the benchmark there. Needs CUDA 12 and cuDNN 9 (what TensorFlow 2.18 is built
# against) on the host's library path. Nothing in the test suite depends on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "nvidia-smi not found"
mvn -B -q -Pgpu package -DskipTests
jar=cgan-cli/target/cgan-cli.jar

java -jar "$jar" info | tee /tmp/cgan-gpu-info.txt
if ! grep -q "GPU" /tmp/cgan-gpu-info.txt; then
  echo "TensorFlow found no GPU: check CUDA 12 / cuDNN 9 libraries (LD_LIBRARY_PATH) and the driver" >&2
  exit 1
fi
java -jar "$jar" bench "$@"
