#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A first Kubernetes start interrupted while its node boots or while kubeadm init runs, or terminated, exits
# 130 / 143 within 30 s and leaves nothing: no container, volume, network, profile, kubeconfig entry, and no process
# it started on the host. Each point is found by polling for it, never by sleeping.
source "$(dirname "$0")/lib.sh"
require_release
p=it-interrupt; use_profile $p
flags=("${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR")
out=$(mktemp); err=$(mktemp)
mk_pid=
trap 'st=$?; if [ -n "$mk_pid" ]; then kill -INT $mk_pid 2>/dev/null; wait $mk_pid 2>/dev/null; fi; rm -f "$out" "$err"; (exit $st); cleanup' EXIT

# wait_until DESCRIPTION COMMAND...: polls (bounded) until COMMAND succeeds while mk still runs
wait_until() {
  local what=$1; shift
  for _ in $(seq 1200); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$mk_pid" 2>/dev/null || { cat "$out" "$err" >&2; fail "mk ended before $what"; }
    sleep 0.1
  done
  fail "$what never happened"
}
node_running() { [ "$(docker inspect --format '{{.State.Status}}' $p 2>/dev/null)" = running ]; }
kubeadm_init_runs() { docker exec $p pgrep -f "kubeadm init" >/dev/null; }

# interrupt SIGNAL EXPECTED_RC POINT_DESCRIPTION POINT_CHECK
interrupt() {
  local signal=$1 expected=$2 what=$3 check=$4
  note "kill -$signal while $what"
  "$MK_BIN" start -p $p "${flags[@]}" >"$out" 2>"$err" &
  mk_pid=$!
  wait_until "$what" $check
  local sent rc=0
  sent=$(date +%s)
  kill -"$signal" $mk_pid
  wait $mk_pid || rc=$?
  local took=$(($(date +%s) - sent))
  mk_pid=
  assert_eq "$rc" "$expected" "exit code after SIG$signal: $(cat "$err")"
  [ "$took" -le 30 ] || fail "mk took $took s to stop after SIG$signal"
  assert_contains "$(cat "$err")" "interrupted"
  assert_eq "$(objects_of $p)" "" "objects left after SIG$signal while $what"
  [ ! -e "$MK_HOME/profiles/$p" ] || fail "profile left after SIG$signal"
  [ ! -e "$MK_HOME/machines/$p" ] || fail "machine directory left after SIG$signal"
  if [ -f "$KUBECONFIG" ]; then assert_not_contains "$(cat "$KUBECONFIG")" "$p" "kubeconfig entry left"; fi
  # no command mk started on the host survives it (they all name the node)
  local left
  left=$(ps -eo pid=,args= | grep -E "(docker|tar|lz4) .*\b$p\b" | grep -v grep || true)
  assert_eq "$left" "" "host processes left after SIG$signal"
}

interrupt INT 130 "the node boots" node_running
interrupt INT 130 "kubeadm init runs" kubeadm_init_runs
interrupt TERM 143 "the node boots" node_running
echo PASS
