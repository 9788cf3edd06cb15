#!/bin/bash
# Prints mk's start and status figures on this machine (run as root, after scripts/testenv/up.sh; the caches are
# warm after the first run): a node without Kubernetes, and Kubernetes from the local release with and without the
# preload, each with the time to every milestone and `mk status` latency (median of 15 runs, per state).
# Usage: scripts/benchmark.sh [MK_BINARY]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mk=${1:-$repo/build/cmd/mk}
source "${MK_TESTENV_CACHE:-/var/cache/mk-testenv}/run/env.sh"
export MK_HOME=$(mktemp -d /tmp/mk-bench.XXXXXX) KUBECONFIG
KUBECONFIG=$MK_HOME/kubeconfig
trap 'for p in bench-node bench-preload bench-plain; do "$mk" delete -p $p >/dev/null 2>&1 || true; done; rm -rf "$MK_HOME"' EXIT
release=(--kubernetes-version="$MK_TEST_K8S_VERSION" --base-image="$MK_TEST_BASE_IMAGE"
  --image-repository="$MK_TEST_IMAGE_REPOSITORY" --insecure-registry="$MK_TEST_REGISTRY"
  --binary-mirror="$MK_TEST_BINARY_MIRROR")

# median_ms CMD...: the median wall time of 15 runs, in ms
median_ms() {
  local times=() start end
  for _ in $(seq 15); do
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 8p
}

# milestones LOG: cumulative seconds at the end of each step of `mk start` output
milestones() {
  local total=0 line title seconds
  while IFS= read -r line; do
    [[ $line =~ ^✓\ (.*)\ \(([0-9.]+)s\)$ ]] || continue
    title=${BASH_REMATCH[1]} seconds=${BASH_REMATCH[2]}
    total=$(echo "$total + $seconds" | bc)
    printf '    %-62s %6.1fs  (step %5.1fs)\n' "$title" "$total" "$seconds"
  done <"$1"
}

bench_start() { # NAME LABEL FLAGS...
  local name=$1 label=$2 log=$MK_HOME/$1.log start end
  shift 2
  start=$(date +%s%N)
  "$mk" start -p "$name" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
  end=$(date +%s%N)
  echo "  $label: total $(((end - start) / 1000000)) ms"
  milestones "$log"
  echo "    mk status (running): $(median_ms "$mk" status -p "$name") ms median"
}

echo "mk benchmark on $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "node without Kubernetes:"
bench_start bench-node "start --no-kubernetes" --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE"
"$mk" stop -p bench-node >/dev/null
echo "    mk status (stopped): $(median_ms "$mk" status -p bench-node) ms median"
"$mk" delete -p bench-node >/dev/null
echo "    mk status (no such profile): $(median_ms "$mk" status -p bench-node) ms median"

echo "Kubernetes $MK_TEST_K8S_VERSION, warm caches:"
# warm the caches (preload and binaries + image archives), then measure
"$mk" start -p bench-warm "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --download-only >/dev/null 2>&1
"$mk" start -p bench-warm "${release[@]}" --preload=false --download-only >/dev/null 2>&1
bench_start bench-preload "with the preload" "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
"$mk" delete -p bench-preload >/dev/null
bench_start bench-plain "without a preload (binaries + image archives)" "${release[@]}" --preload=false
start=$(date +%s%N); "$mk" stop -p bench-plain >/dev/null; end=$(date +%s%N)
echo "  stop: $(((end - start) / 1000000)) ms; mk status (stopped): $(median_ms "$mk" status -p bench-plain) ms median"
start=$(date +%s%N); "$mk" start -p bench-plain >"$MK_HOME/restart.log" 2>&1; end=$(date +%s%N)
echo "  restart of a stopped cluster: total $(((end - start) / 1000000)) ms"
milestones "$MK_HOME/restart.log"
