#!/bin/bash
# Installs mk's dependencies (Debian 12), builds mk and starts a cluster (run as root). With internet access the
# official artefacts are used; without, the local Kubernetes release is built once (20-30 min) and used through
# mk's mirror flags. Extra arguments go to `mk start`. The binary is build/cmd/mk.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/install-deps.sh
scripts/ensure-dockerd.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
mk=$repo/build/cmd/mk
if curl -fsS -m 5 -o /dev/null https://dl.k8s.io/release/stable.txt 2>/dev/null; then
  exec "$mk" start "$@"
fi
echo "No route to the official release hosts: using the local Kubernetes release (the first build takes 20-30 minutes)."
scripts/testenv/up.sh >/dev/null
source "${MK_TESTENV_CACHE:-/var/cache/mk-testenv}/run/env.sh"
exec "$mk" start --kubernetes-version="$MK_TEST_K8S_VERSION" --base-image="$MK_TEST_BASE_IMAGE" \
  --image-repository="$MK_TEST_IMAGE_REPOSITORY" --insecure-registry="$MK_TEST_REGISTRY" \
  --binary-mirror="$MK_TEST_BINARY_MIRROR" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" "$@"
