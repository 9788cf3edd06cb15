#!/bin/bash
# The whole test suite, as CI runs it (as root, on Debian 12): installs dependencies, starts a Docker engine when
# none runs, builds mk, brings up the local Kubernetes release (scripts/testenv/up.sh; the first run builds
# Kubernetes from source, 20-30 min), then runs the unit tests and the end-to-end tests (these boot real nodes, one
# at a time). Extra arguments go to ctest (e.g. -R lifecycle).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${MK_BUILD_DIR:-$repo/build}
scripts/install-deps.sh
scripts/ensure-dockerd.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2
scripts/testenv/up.sh >/dev/null
source "${MK_TESTENV_CACHE:-/var/cache/mk-testenv}/run/env.sh"
cd "$build"
ctest --output-on-failure -j2 --timeout 1800 "$@"
