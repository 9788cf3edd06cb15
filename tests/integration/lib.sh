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
cleanup() {
  local status=$?
  for p in "${TEST_PROFILES[@]}"; do "$MK_BIN" delete -p "$p" >/dev/null 2>&1 || true; done
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
