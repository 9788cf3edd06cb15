#!/bin/bash
# Prints mk's start, restart and status figures on this machine next to the floors the engine itself sets, measured
# in the same run (run as root, after scripts/testenv/up.sh; the caches are warm after the first run):
#   - a node without Kubernetes, and the floor: a bare `docker start` of a stopped node until systemd runs;
#   - Kubernetes from the local release with and without the preload, each step of `mk start` with its time;
#   - the restart of a stopped cluster, and its floor: a bare `docker start` of the node until /healthz answers;
#   - `mk status` latency (median of 15 runs) in every state.
# Speed goals (issue 8) are read from this output; no test asserts a duration.
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

now_ms() { echo $(($(date +%s%N) / 1000000)); }

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

# ratio A B: A/B with two decimals
ratio() { echo "scale=2; $1 / $2" | bc; }

bench_start() { # NAME LABEL FLAGS...: prints the total and the steps; the total in ms in BENCH_MS
  local name=$1 label=$2 log=$MK_HOME/$1.log start
  shift 2
  start=$(now_ms)
  "$mk" start -p "$name" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
  BENCH_MS=$(($(now_ms) - start))
  echo "  $label: total $BENCH_MS ms"
  milestones "$log"
}

# floor_boot NODE: a bare `docker start` of the stopped node until systemd in it runs, in ms
floor_boot() {
  local start state
  start=$(now_ms)
  docker start "$1" >/dev/null
  for _ in $(seq 600); do
    state=$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)
    [ "$state" = running ] || [ "$state" = degraded ] && break
    sleep 0.05
  done
  echo $(($(now_ms) - start))
}

# floor_healthz NODE: a bare `docker start` of the stopped node until the API server's /healthz answers ok, in ms
floor_healthz() {
  local start port
  start=$(now_ms)
  docker start "$1" >/dev/null
  port=$(docker port "$1" 8443/tcp | head -1 | sed 's/.*://')
  for _ in $(seq 1200); do
    [ "$(curl -sk -m 1 "https://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ] && break
    sleep 0.05
  done
  echo $(($(now_ms) - start))
}

echo "mk benchmark: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "node without Kubernetes:"
bench_start bench-node "start --no-kubernetes" --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE"
echo "    mk status (running): $(median_ms "$mk" status -p bench-node) ms median"
"$mk" stop -p bench-node >/dev/null
echo "    mk status (stopped): $(median_ms "$mk" status -p bench-node) ms median"
floor=$(floor_boot bench-node)
docker stop bench-node >/dev/null
start=$(now_ms); "$mk" start -p bench-node >/dev/null 2>&1; restart=$(($(now_ms) - start))
echo "  restart: mk $restart ms; floor (bare docker start -> systemd running) $floor ms; mk/floor $(ratio $restart $floor)"
"$mk" delete -p bench-node >/dev/null
echo "    mk status (no such profile): $(median_ms "$mk" status -p bench-node) ms median"

echo "Kubernetes $MK_TEST_K8S_VERSION, warm caches:"
# warm the caches (preload and binaries + image archives), then measure
"$mk" start -p bench-warm "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --download-only >/dev/null 2>&1
"$mk" start -p bench-warm "${release[@]}" --preload=false --download-only >/dev/null 2>&1
bench_start bench-preload "with the preload" "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
"$mk" delete -p bench-preload >/dev/null
bench_start bench-plain "without a preload (binaries + image archives)" "${release[@]}" --preload=false
echo "    mk status (running): $(median_ms "$mk" status -p bench-plain) ms median"
start=$(now_ms); "$mk" stop -p bench-plain >/dev/null; stop=$(($(now_ms) - start))
echo "  stop: $stop ms; mk status (stopped): $(median_ms "$mk" status -p bench-plain) ms median"
floor=$(floor_healthz bench-plain)
docker stop bench-plain >/dev/null
start=$(now_ms); "$mk" start -p bench-plain >"$MK_HOME/restart.log" 2>&1; restart=$(($(now_ms) - start))
echo "  restart of a stopped cluster: mk $restart ms; floor (bare docker start -> /healthz ok) $floor ms; mk/floor $(ratio $restart $floor)"
milestones "$MK_HOME/restart.log"
