#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the end-to-end tests: they run the real `mk` binary against the real Docker engine.
# Required environment: MK_BIN (the mk binary), MK_TEST_BASE_IMAGE (a node image, see scripts/build-node-image.sh).
# A test that cannot find what it needs fails; it never skips.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }

[ -n "${MK_BIN:-}" ] && [ -x "$MK_BIN" ] || fail "MK_BIN must name the mk binary"
[ -n "${MK_TEST_BASE_IMAGE:-}" ] || fail "MK_TEST_BASE_IMAGE must name a node image (scripts/build-node-image.sh)"
docker image inspect "$MK_TEST_BASE_IMAGE" >/dev/null 2>&1 || fail "node image $MK_TEST_BASE_IMAGE is not in the engine"

# every test has its own state directory and profile names; both are removed at exit
export MK_HOME
MK_HOME=$(mktemp -d /tmp/mk-it-home.XXXXXX)
TEST_PROFILES=()
export KUBECONFIG=$MK_HOME/kubeconfig
cleanup() {
  local status=$?
  stop_mk_bg
  for p in "${TEST_PROFILES[@]}"; do "$MK_BIN" delete -p "$p" >/dev/null 2>&1 || true; done
  for command in "${TEST_CLEANUP[@]}"; do eval "$command" >/dev/null 2>&1 || true; done
  restore_servers
  rm -rf "$MK_HOME"
  exit $status
}
trap cleanup EXIT

# --- mk in the background, for tests that signal it --------------------------------------------------------------
MK_BG_PID=
MK_BG_OUT=$MK_HOME/bg.out
MK_BG_ERR=$MK_HOME/bg.err
# start_mk_bg ARGS...: runs mk in the background (pid in MK_BG_PID, output in MK_BG_OUT / MK_BG_ERR)
start_mk_bg() {
  "$MK_BIN" "$@" >"$MK_BG_OUT" 2>"$MK_BG_ERR" &
  MK_BG_PID=$!
}
# wait_mk_bg: waits for it; its exit code in MK_BG_RC
wait_mk_bg() {
  MK_BG_RC=0
  wait "$MK_BG_PID" 2>/dev/null || MK_BG_RC=$?
  MK_BG_PID=
}
# stop_mk_bg: interrupts it, if it still runs, and waits for its rollback (cleanup calls it)
stop_mk_bg() {
  [ -n "$MK_BG_PID" ] || return 0
  kill -INT "$MK_BG_PID" 2>/dev/null || true
  wait "$MK_BG_PID" 2>/dev/null || true
  MK_BG_PID=
}
# wait_until DESCRIPTION COMMAND...: polls (bounded, 2 min) until COMMAND succeeds while the background mk runs
wait_until() {
  local what=$1
  shift
  for _ in $(seq 1200); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$MK_BG_PID" 2>/dev/null || { cat "$MK_BG_OUT" "$MK_BG_ERR" >&2; fail "mk ended before $what"; }
    sleep 0.1
  done
  fail "$what never happened"
}

# profile NAME: registers NAME for cleanup and prints it
use_profile() { TEST_PROFILES+=("$1"); }
# at_exit COMMAND: run (as shell text) when the test ends, after its profiles are deleted
TEST_CLEANUP=()
at_exit() { TEST_CLEANUP+=("$1"); }

mk() { "$MK_BIN" "$@"; }

# run_mk VAR_PREFIX ARGS...: runs mk, stores stdout/stderr/exit code in ${prefix}_out/_err/_rc without failing
run_mk() {
  local prefix=$1; shift
  local out err rc=0
  out=$(mktemp); err=$(mktemp)
  "$MK_BIN" "$@" >"$out" 2>"$err" || rc=$?
  printf -v "${prefix}_out" '%s' "$(cat "$out")"
  printf -v "${prefix}_err" '%s' "$(cat "$err")"
  printf -v "${prefix}_rc" '%s' "$rc"
  rm -f "$out" "$err"
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$2', got '$1'"; }
assert_contains() { case "$1" in *"$2"*) ;; *) fail "${3:-missing text}: '$2' not in: $1";; esac; }
assert_not_contains() { case "$1" in *"$2"*) fail "${3:-unexpected text}: '$2' in: $1";; *) ;; esac; }

# The engine a test drives: docker, or podman with MK_TEST_ENGINE=podman (installed when missing).
engine=${MK_TEST_ENGINE:-docker}
if [ "$engine" = podman ] && ! command -v podman >/dev/null; then
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null; }; } ||
    fail "cannot install Debian's podman"
fi
# a node image a test's mk loads into podman (from docker) goes with the test
if [ "$engine" = podman ] && ! podman image exists "localhost/$MK_TEST_BASE_IMAGE"; then
  at_exit "podman rmi -f localhost/$MK_TEST_BASE_IMAGE"
fi

# engine objects mk created for a profile (containers, volumes, networks), one per line
objects_of() {
  local p=$1
  $engine ps -a --filter "label=cluster.mk=$p" --format 'container {{.Names}}'
  $engine volume ls --filter "label=cluster.mk=$p" --format 'volume {{.Name}}'
  $engine network ls --filter "label=cluster.mk=$p" --format 'network {{.Name}}'
}

# the host kernel settings a node must never change (not network-namespaced)
host_sysctls() {
  sysctl fs.file-max fs.nr_open fs.protected_fifos fs.protected_regular fs.protected_symlinks fs.protected_hardlinks \
    kernel.pid_max kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys \
    kernel.keys.root_maxbytes 2>/dev/null
}

# write_foreign_kubeconfig: a kubeconfig ($KUBECONFIG) holding another tool's cluster, user and current context,
# which mk must leave exactly as they are
write_foreign_kubeconfig() {
  cat >"$KUBECONFIG" <<'YAML'
apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://foreign.example:6443", certificate-authority-data: Zm9yZWlnbg==}
  name: foreign
contexts:
- context: {cluster: foreign, user: foreign-user, namespace: team}
  name: foreign
current-context: foreign
users:
- name: foreign-user
  user: {token: secret-token}
YAML
}

# --- the local release (scripts/testenv/up.sh) ---------------------------------------------------------------------
require_release() {
  for v in MK_TEST_K8S_VERSION MK_TEST_IMAGE_REPOSITORY MK_TEST_REGISTRY MK_TEST_BINARY_MIRROR MK_TEST_KUBECTL \
    MK_TEST_PRELOAD_MIRROR MK_TEST_NO_PRELOAD_MIRROR MK_TEST_MIRROR_ACCESS_LOG MK_TEST_REGISTRY_LOG; do
    [ -n "${!v:-}" ] || fail "$v is not set (source \$MK_TESTENV_CACHE/run/env.sh after scripts/testenv/up.sh)"
  done
  release_flags=(--kubernetes-version="$MK_TEST_K8S_VERSION" --base-image="$MK_TEST_BASE_IMAGE"
    --image-repository="$MK_TEST_IMAGE_REPOSITORY" --insecure-registry="$MK_TEST_REGISTRY"
    --binary-mirror="$MK_TEST_BINARY_MIRROR")
}

# log_mark FILE: prints the current line count of a log, for log_since
log_mark() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# log_since FILE MARK: the lines appended after MARK
log_since() { [ -f "$1" ] && tail -n +$(($2 + 1)) "$1" || true; }

# Replaces the registry (<bridge gateway>:5000, where the nodes reach it) and the mirror (127.0.0.1:18080) by
# sentinels: servers with nothing to serve that log every request they get, so a test can prove that nothing was
# asked. restore_servers stops them (and every start_server server) and brings the real ones back (also on failure,
# from the EXIT trap).
SENTINEL_DIR=
use_sentinels() {
  [ -n "${MK_TEST_REGISTRY:-}" ] || fail "MK_TEST_REGISTRY is not set (require_release first)"
  SENTINEL_DIR=$(mktemp -d /tmp/mk-sentinel.XXXXXX)
  mkdir "$SENTINEL_DIR/empty"
  "$REPO_ROOT/scripts/testenv/down.sh" >/dev/null
  local name address port
  for spec in "registry ${MK_TEST_REGISTRY%:*} ${MK_TEST_REGISTRY##*:}" "mirror 127.0.0.1 18080"; do
    read -r name address port <<<"$spec"
    : >"$SENTINEL_DIR/$name.log"
    start_server port "$SENTINEL_DIR/empty" --bind "$address" --port "$port" --access-log "$SENTINEL_DIR/$name.log"
  done
}
restore_servers() {
  stop_servers
  [ -n "$SENTINEL_DIR" ] || return 0
  rm -rf "$SENTINEL_DIR"
  SENTINEL_DIR=
  "$REPO_ROOT/scripts/testenv/up.sh" >/dev/null 2>&1 || fail "cannot restart the local release"
}

# start_server VAR DIR [tests/helpers/http_server.py options]: serves DIR (by default on 127.0.0.1, a free port)
# and stores the port in VAR once the server listens; stopped by stop_servers (at exit at the latest).
TEST_SERVER_PIDS=()
start_server() {
  local var=$1 dir=$2 fifo line=
  shift 2
  fifo=$(mktemp -u /tmp/mk-it-server.XXXXXX)
  mkfifo "$fifo"
  setsid python3 "$REPO_ROOT/tests/helpers/http_server.py" --dir "$dir" "$@" >"$fifo" 2>/dev/null </dev/null &
  TEST_SERVER_PIDS+=($!)
  read -r -t 20 line <"$fifo" || true
  rm -f "$fifo"
  [[ $line == "PORT "* ]] || fail "the test HTTP server did not start (http_server.py $*)"
  printf -v "$var" '%s' "${line#PORT }"
}
# stops every server start_server started, and waits until they are gone
stop_servers() {
  local pid
  for pid in "${TEST_SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${TEST_SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  TEST_SERVER_PIDS=()
}
# the requests a sentinel got, except for the images the local release lacks (CoreDNS, the storage provisioner):
# the kubelet asks for those whatever mk does
sentinel_requests() { grep -vE '/(coredns|k8s-minikube/storage-provisioner)/' "$SENTINEL_DIR/$1.log" || true; }
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
