#!/bin/bash
# Prints mk's start, restart and status figures on this machine next to the floors the engine itself sets, measured
# in the same run (run as root, after scripts/testenv/up.sh), and ends with issue 8's table: each figure before
# that work, now, and its goal.
#   - a node without Kubernetes, and its floor: a bare `docker start` of a stopped node until systemd runs;
#   - Kubernetes from the local release: warm starts with the preload and cold ones (an empty MK_HOME, the
#     preload from the local mirror, next to a plain curl of the same files), three of each in turns, each
#     step's time; one start without the preload (binaries + image archives);
#   - the restart of a stopped cluster and its floor, a bare `docker start` of the node until /healthz answers
#     (three pairs);
#   - `mk status` latency (median of 15 runs) running, stopped and missing;
#   - a multi-node cluster (docker): `mk start --nodes=2` to both Ready, `mk node add` to Ready, pause and unpause
#     (to a healthy API server) and `mk status` while paused (median of 15);
#   - with podman installed, a node and a warm start on podman, and their restarts;
#   - with qemu installed and MK_TEST_VM_IMAGE set: a VM node (the accelerator, boot to ssh, stop, restart, status)
#     and a Kubernetes start on it to Node Ready, with its restart.
# Speed goals are read from this output; no test asserts a duration.
# Usage: scripts/benchmark.sh [MK_BINARY]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mk=${1:-$repo/build/cmd/mk}
source "${MK_TESTENV_CACHE:-/var/cache/mk-testenv}/run/env.sh"
bench_root=$(mktemp -d /tmp/mk-bench.XXXXXX)
export MK_HOME=$bench_root/home KUBECONFIG=$bench_root/kubeconfig
cold_home=$bench_root/cold-home
cleanup() {
  for p in bench-node bench-preload bench-plain bench-multi bench-pnode bench-podman bench-vm bench-vmk; do
    "$mk" delete -p $p >/dev/null 2>&1 || true
  done
  MK_HOME=$cold_home "$mk" delete -p bench-cold >/dev/null 2>&1 || true
  rm -rf "$bench_root"
}
trap cleanup EXIT
release=(--kubernetes-version="$MK_TEST_K8S_VERSION" --base-image="$MK_TEST_BASE_IMAGE"
  --image-repository="$MK_TEST_IMAGE_REPOSITORY" --insecure-registry="$MK_TEST_REGISTRY"
  --binary-mirror="$MK_TEST_BINARY_MIRROR")
preload_name=preloaded-images-k8s-v18-$MK_TEST_K8S_VERSION-containerd-overlay2-amd64.tar.lz4
preload_url=$MK_TEST_PRELOAD_MIRROR/v18/$MK_TEST_K8S_VERSION/$preload_name

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds() { echo "scale=1; $1 / 1000" | bc | sed 's/^\./0./'; }
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
verdict() { [ "$(echo "$1 <= $2" | bc)" = 1 ] && echo met || echo MISSED; }

# median_ms CMD...: the median wall time of 15 runs, in ms
median_ms() {
  local times=() start end
  for _ in $(seq 15); do
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  median "${times[@]}"
}

# milestones LOG: cumulative seconds at the end of each step of `mk start` output
milestones() {
  local total=0 line title seconds
  while IFS= read -r line; do
    [[ $line =~ ^✓\ (.*)\ \(([0-9.]+)s\)$ ]] || continue
    title=${BASH_REMATCH[1]} seconds=${BASH_REMATCH[2]}
    total=$(echo "$total + $seconds" | bc)
    printf '    %-62s %6.1fs  (step %5.1fs)\n' "${title:0:62}" "$total" "$seconds"
  done <"$1"
}

bench_start() { # NAME LABEL FLAGS...: prints the total and the steps; the total in ms in BENCH_MS
  local name=$1 label=$2 log=$bench_root/$1.log start
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

echo "mk benchmark: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ), mk $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
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
status_missing=$(median_ms "$mk" status -p bench-node)
echo "    mk status (no such profile): $status_missing ms median"

echo "Kubernetes $MK_TEST_K8S_VERSION:"
# warm the caches (preload and binaries + image archives), then measure
"$mk" start -p bench-warm "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --download-only >/dev/null 2>&1
"$mk" start -p bench-warm "${release[@]}" --preload=false --download-only >/dev/null 2>&1
# warm (caches full, CAs made) and cold (an empty MK_HOME: no cache, no CA; the preload from the local mirror,
# beside a plain curl of the same files) in turns, so that both see the machine in the same state
warm=() colds=() curls=()
for run in 1 2 3; do
  bench_start bench-preload "warm, with the preload, run $run" "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
  warm+=("$BENCH_MS")
  "$mk" delete -p bench-preload >/dev/null
  start=$(now_ms)
  curl -fsS -o "$bench_root/curl-preload" "$preload_url" && curl -fsS -o "$bench_root/curl-preload.sha256" "$preload_url.sha256"
  curls+=($(($(now_ms) - start)))
  rm -f "$bench_root/curl-preload"*
  echo "  plain curl of the same files as a cold start, run $run: ${curls[-1]} ms"
  MK_HOME=$cold_home bench_start bench-cold "cold, empty MK_HOME, run $run" "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
  colds+=("$BENCH_MS")
  MK_HOME=$cold_home "$mk" delete -p bench-cold >/dev/null
  rm -rf "$cold_home"
done
warm_median=$(median "${warm[@]}") cold=$(median "${colds[@]}") curl_ms=$(median "${curls[@]}")
echo "  warm start with the preload: median $warm_median ms of ${warm[*]}"
echo "  cold start: median $cold ms of ${colds[*]}; curl: median $curl_ms ms of ${curls[*]}"
bench_start bench-plain "without a preload (binaries + image archives)" "${release[@]}" --preload=false
status_running=$(median_ms "$mk" status -p bench-plain)
echo "    mk status (running): $status_running ms median"
start=$(now_ms); "$mk" stop -p bench-plain >/dev/null; stop=$(($(now_ms) - start))
status_stopped=$(median_ms "$mk" status -p bench-plain)
echo "  stop: $stop ms; mk status (stopped): $status_stopped ms median"
restarts=() floors=() ratios=()
for run in 1 2 3; do
  floor=$(floor_healthz bench-plain)
  docker stop bench-plain >/dev/null
  start=$(now_ms); "$mk" start -p bench-plain >"$bench_root/restart.log" 2>&1; restart=$(($(now_ms) - start))
  "$mk" stop -p bench-plain >/dev/null
  restarts+=("$restart") floors+=("$floor") ratios+=("$(ratio "$restart" "$floor")")
  echo "  restart of a stopped cluster, run $run: mk $restart ms; floor (bare docker start -> /healthz ok) $floor ms; mk/floor ${ratios[-1]}"
done
milestones "$bench_root/restart.log"
ratio_median=$(median "${ratios[@]}")
"$mk" delete -p bench-plain >/dev/null

echo "multi-node (docker, the preload cached):"
bench_start bench-multi "start --nodes=2 to both Nodes Ready" "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --nodes=2
multi_start=$BENCH_MS
start=$(now_ms); "$mk" node add -p bench-multi >"$bench_root/node-add.log" 2>&1 || { cat "$bench_root/node-add.log"; exit 1; }
node_add=$(($(now_ms) - start))
echo "  node add to Ready: $node_add ms"
milestones "$bench_root/node-add.log"
pauses=() unpauses=()
for _ in 1 2 3; do
  start=$(now_ms); "$mk" pause -p bench-multi >/dev/null; pauses+=($(($(now_ms) - start)))
  status_paused=$(median_ms "$mk" status -p bench-multi)
  start=$(now_ms); "$mk" unpause -p bench-multi >/dev/null; unpauses+=($(($(now_ms) - start)))
done
pause_ms=$(median "${pauses[@]}") unpause_ms=$(median "${unpauses[@]}")
echo "  pause (3 nodes): median $pause_ms ms of ${pauses[*]}; mk status while paused: $status_paused ms median"
echo "  unpause to a healthy API server: median $unpause_ms ms of ${unpauses[*]}"
echo "day-2 commands (issue 12) on that 3-node cluster:"
start=$(now_ms); "$mk" addons enable registry -p bench-multi --wait --wait-timeout=2m >/dev/null; addon_ms=$(($(now_ms) - start))
echo "  addons enable registry --wait (pod Ready): $addon_ms ms"
start=$(now_ms); "$mk" image load "$MK_TEST_HOST_BUSYBOX_IMAGE" -p bench-multi >/dev/null; load_ms=$(($(now_ms) - start))
echo "  image load of the host's busybox image into 3 nodes: $load_ms ms"
logs_ms=$(median_ms "$mk" logs -p bench-multi)
echo "  mk logs: $logs_ms ms median"
"$MK_TEST_KUBECTL" --context bench-multi create service nodeport bench-web --tcp=80:8080 >/dev/null
service_ms=$(median_ms "$mk" service bench-web --url -p bench-multi)
echo "  mk service --url: $service_ms ms median"
"$mk" delete -p bench-multi >/dev/null

if command -v podman >/dev/null; then
  echo "podman (the node image loaded from docker when podman lacks it; not counted below):"
  podman image exists "localhost/$MK_TEST_BASE_IMAGE" || loaded_into_podman=1
  "$mk" start -p bench-warm --driver=podman "${release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" \
    --download-only >/dev/null 2>&1
  bench_start bench-pnode "start --no-kubernetes" --driver=podman --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE"
  "$mk" stop -p bench-pnode >/dev/null
  start=$(now_ms); "$mk" start -p bench-pnode >/dev/null 2>&1; restart=$(($(now_ms) - start))
  echo "  restart --no-kubernetes: $restart ms"
  "$mk" delete -p bench-pnode >/dev/null
  bench_start bench-podman "warm, with the preload" --driver=podman "${release[@]}" \
    --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
  "$mk" stop -p bench-podman >/dev/null
  start=$(now_ms); "$mk" start -p bench-podman >/dev/null 2>&1; restart=$(($(now_ms) - start))
  echo "  restart of a stopped cluster: $restart ms"
  "$mk" delete -p bench-podman >/dev/null
  [ -z "${loaded_into_podman:-}" ] || podman rmi -f "localhost/$MK_TEST_BASE_IMAGE" >/dev/null
fi

echo
echo "issue 8 goals (before: measured when the issue was filed, same machine)"
printf '  %-44s %-14s %-40s %-22s %s\n' measure before now goal ""
printf '  %-44s %-14s %-40s %-22s %s\n' "warm mk start (preload cached) -> Node Ready" "38-41 s" \
  "$(seconds "$warm_median") s (median of 3)" "<= 20 s" "$(verdict "$warm_median" 20000)"
printf '  %-44s %-14s %-40s %-22s %s\n' "restart of a stopped cluster" "12.0-12.8 s" \
  "$(seconds "$(median "${restarts[@]}")") s, floor $(seconds "$(median "${floors[@]}")") s, ratio $ratio_median" \
  "<= 1.1 x floor" "$(verdict "$ratio_median" 1.1)"
printf '  %-44s %-14s %-40s %-22s %s\n' "mk status, running (median of 15)" "87 ms" "$status_running ms" "<= 50 ms" \
  "$(verdict "$status_running" 50)"
printf '  %-44s %-14s %-40s %-22s %s\n' "mk status, stopped / missing" "19 / 5 ms" \
  "$status_stopped / $status_missing ms" "<= 50 ms each" "$(verdict "$((status_stopped > status_missing ? status_stopped : status_missing))" 50)"
printf '  %-44s %-14s %-40s %-22s %s\n' "cold mk start, empty cache, local mirror" "-" \
  "$(seconds "$cold") s (median of 3; warm + curl: $(seconds $((warm_median + curl_ms))) s)" "<= warm + curl" \
  "$(verdict "$cold" $((warm_median + curl_ms)))"

echo
echo "issue 11 goals"
printf '  %-44s %-40s %-22s %s\n' measure now goal ""
printf '  %-44s %-40s %-22s %s\n' "mk node add -> Node Ready" "$(seconds "$node_add") s" "<= 20 s" "$(verdict "$node_add" 20000)"
printf '  %-44s %-40s %-22s %s\n' "unpause -> healthy API server" "$(seconds "$unpause_ms") s (median of 3)" "<= 2 s" \
  "$(verdict "$unpause_ms" 2000)"
printf '  %-44s %-40s %-22s %s\n' "mk start --nodes=2 -> both Ready" "$(seconds "$multi_start") s" "-" ""
printf '  %-44s %-40s %-22s %s\n' "mk status while paused (median of 15)" "$status_paused ms" "fast (minikube 16 s)" ""
echo
echo "issue 12 figures (no goals set)"
printf '  %-44s %-40s\n' "addons enable registry --wait" "$(seconds "$addon_ms") s"
printf '  %-44s %-40s\n' "image load, 3 nodes" "$(seconds "$load_ms") s"
printf '  %-44s %-40s\n' "mk logs / mk service --url (median)" "$logs_ms ms / $service_ms ms"

# the qemu driver (issue 10): a VM node, with the accelerator mk chose; set MK_BENCH_QEMU=0 to leave it out (under
# TCG the Kubernetes start alone takes minutes)
if command -v qemu-system-x86_64 >/dev/null && [ -n "${MK_TEST_VM_IMAGE:-}" ] && [ "${MK_BENCH_QEMU:-1}" != 0 ]; then
  echo
  echo "qemu driver (VM node image $MK_TEST_VM_IMAGE):"
  vm_release=(--kubernetes-version="$MK_TEST_K8S_VERSION" --image-repository="$MK_TEST_IMAGE_REPOSITORY"
    --insecure-registry="$MK_TEST_REGISTRY" --binary-mirror="$MK_TEST_BINARY_MIRROR" --vm-image="$MK_TEST_VM_IMAGE")
  "$mk" start -p bench-warm --driver=qemu "${vm_release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" \
    --download-only >/dev/null 2>&1
  bench_start bench-vm "start --no-kubernetes" --driver=qemu --no-kubernetes --vm-image="$MK_TEST_VM_IMAGE"
  if grep -q "TCG software emulation" "$bench_root/bench-vm.log"; then accelerator=tcg; else accelerator=kvm; fi
  echo "  accelerator: $accelerator"
  echo "    mk status (running): $(median_ms "$mk" status -p bench-vm) ms median"
  start=$(now_ms); "$mk" stop -p bench-vm >/dev/null; vm_stop=$(($(now_ms) - start))
  echo "  stop (clean ACPI power-down): $vm_stop ms; mk status (stopped): $(median_ms "$mk" status -p bench-vm) ms median"
  start=$(now_ms); "$mk" start -p bench-vm >/dev/null 2>&1; vm_restart=$(($(now_ms) - start))
  echo "  restart --no-kubernetes (to ssh and systemd running): $vm_restart ms"
  "$mk" delete -p bench-vm >/dev/null
  bench_start bench-vmk "Kubernetes $MK_TEST_K8S_VERSION, with the preload, to Node Ready" --driver=qemu \
    "${vm_release[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --memory=3072
  echo "    mk status (running): $(median_ms "$mk" status -p bench-vmk) ms median"
  start=$(now_ms); "$mk" stop -p bench-vmk >/dev/null; vm_stop=$(($(now_ms) - start))
  start=$(now_ms); "$mk" start -p bench-vmk >"$bench_root/vm-restart.log" 2>&1; vm_restart=$(($(now_ms) - start))
  echo "  stop: $vm_stop ms; restart of the stopped cluster: $vm_restart ms"
  milestones "$bench_root/vm-restart.log"
  "$mk" delete -p bench-vmk >/dev/null
fi
