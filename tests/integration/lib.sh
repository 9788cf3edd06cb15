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
  for p in "${TEST_PROFILES[@]}"; do "$MK_BIN" delete -p "$p" >/dev/null 2>&1 || true; done
  restore_servers
  rm -rf "$MK_HOME"
  exit $status
}
trap cleanup EXIT

# profile NAME: registers NAME for cleanup and prints it
use_profile() { TEST_PROFILES+=("$1"); }

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

# docker objects mk created for a profile (containers, volumes, networks), one per line
objects_of() {
  local p=$1
  docker ps -a --filter "label=cluster.mk=$p" --format 'container {{.Names}}'
  docker volume ls --filter "label=cluster.mk=$p" --format 'volume {{.Name}}'
  docker network ls --filter "label=cluster.mk=$p" --format 'network {{.Name}}'
}

# the host kernel settings a node must never change (not network-namespaced)
host_sysctls() {
  sysctl fs.file-max fs.nr_open fs.protected_fifos fs.protected_regular fs.protected_symlinks fs.protected_hardlinks \
    kernel.pid_max kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys \
    kernel.keys.root_maxbytes 2>/dev/null
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

# Replaces the registry (:5000) and the mirror (127.0.0.1:18080) by sentinels: servers with nothing to serve that
# log every request they get, so a test can prove that nothing was asked. restore_servers brings the real ones back
# (also on failure, from the EXIT trap).
SENTINEL_DIR=
use_sentinels() {
  SENTINEL_DIR=$(mktemp -d /tmp/mk-sentinel.XXXXXX)
  "$REPO_ROOT/scripts/testenv/down.sh" >/dev/null
  local port
  for spec in registry:0.0.0.0:5000 mirror:127.0.0.1:18080; do
    IFS=: read -r name bind port <<<"$spec"
    setsid python3 "$REPO_ROOT/tests/helpers/http_server.py" --bind "$bind" --port "$port" --dir "$SENTINEL_DIR" \
      --access-log "$SENTINEL_DIR/$name.log" >/dev/null 2>&1 </dev/null &
    echo $! >"$SENTINEL_DIR/$name.pid"
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
    : >"$SENTINEL_DIR/$name.log"
  done
}
restore_servers() {
  [ -n "$SENTINEL_DIR" ] || return 0
  for name in registry mirror; do kill "$(cat "$SENTINEL_DIR/$name.pid")" 2>/dev/null || true; done
  sleep 0.3
  rm -rf "$SENTINEL_DIR"
  SENTINEL_DIR=
  "$REPO_ROOT/scripts/testenv/up.sh" >/dev/null 2>&1 || fail "cannot restart the local release"
}
# the requests a sentinel got, except for the images the local release lacks (CoreDNS, the storage provisioner):
# the kubelet asks for those whatever mk does
sentinel_requests() { grep -vE '/(coredns|k8s-minikube/storage-provisioner)/' "$SENTINEL_DIR/$1.log" || true; }
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
