#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A first Kubernetes start interrupted while its node boots or while kubeadm init runs, or terminated, exits
# 130 / 143 within 30 s and leaves nothing: no container, volume, network, profile, kubeconfig entry, and no process
# it started on the host. Each point is found by polling for it, never by sleeping.
source "$(dirname "$0")/lib.sh"
require_release
p=it-interrupt; use_profile $p
flags=("${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR")
node_running() { [ "$(docker inspect --format '{{.State.Status}}' $p 2>/dev/null)" = running ]; }
kubeadm_init_runs() { docker exec $p pgrep -f "kubeadm init" >/dev/null; }

# interrupt SIGNAL EXPECTED_RC POINT_DESCRIPTION POINT_CHECK
interrupt() {
  local signal=$1 expected=$2 what=$3 check=$4
  note "kill -$signal while $what"
  start_mk_bg start -p $p "${flags[@]}"
  wait_until "$what" $check
  local sent
  sent=$(date +%s)
  kill -"$signal" "$MK_BG_PID"
  wait_mk_bg
  local took=$(($(date +%s) - sent))
  assert_eq "$MK_BG_RC" "$expected" "exit code after SIG$signal: $(cat "$MK_BG_ERR")"
  [ "$took" -le 30 ] || fail "mk took $took s to stop after SIG$signal"
  assert_contains "$(cat "$MK_BG_ERR")" "interrupted"
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
