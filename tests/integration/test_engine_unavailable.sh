#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# An engine that cannot be reached, or that accepts and never answers, gives exit 50 within a bounded time with one
# line saying how to start it; nothing is created and nothing is lost. The machine's dockerd is never touched:
# DOCKER_HOST points elsewhere.
source "$(dirname "$0")/lib.sh"

p=it-engine; use_profile $p
fresh=it-engine-new; use_profile $fresh
mk start -p $p --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
container=$(docker inspect --format '{{.Id}}' $p)

# a unix socket that accepts connections and never answers
hang_dir=$(mktemp -d /tmp/mk-hang.XXXXXX)
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(64)
held, end = [], time.time() + 600
while time.time() < end:
    held.append(s.accept()[0])
' "$hang_dir/docker.sock" &
hang_pid=$!
trap 'st=$?; kill $hang_pid 2>/dev/null; rm -rf "$hang_dir"; (exit $st); cleanup' EXIT
for _ in $(seq 100); do [ -S "$hang_dir/docker.sock" ] && break; sleep 0.05; done
[ -S "$hang_dir/docker.sock" ] || fail "the silent socket did not come up"

for host in "unix://$hang_dir/missing.sock" "unix://$hang_dir/docker.sock"; do
  for command in "start -p $fresh --no-kubernetes --base-image=$MK_TEST_BASE_IMAGE" "status -p $p" "delete -p $p"; do
    note "DOCKER_HOST=$host mk $command"
    started=$(date +%s)
    # shellcheck disable=SC2086
    DOCKER_HOST=$host run_mk r $command
    elapsed=$(($(date +%s) - started))
    assert_eq "$r_rc" 50 "exit code of \`mk $command\` with an engine that does not answer: $r_err"
    [ "$elapsed" -le 60 ] || fail "\`mk $command\` took $elapsed s to give up"
    assert_contains "$r_err" "engine is not answering"
    assert_contains "$r_err" "hint: start it"
    assert_eq "$(grep -c '^✗' <<<"$r_err")" 1 "one error line"
  done
done

note "nothing was created, nothing was lost"
[ ! -e "$MK_HOME/profiles/$fresh" ] || fail "a profile was created for $fresh"
assert_eq "$(objects_of $fresh)" "" "objects of $fresh"
[ -e "$MK_HOME/profiles/$p/config.json" ] || fail "the profile of $p was lost"
assert_eq "$(docker inspect --format '{{.Id}} {{.State.Status}}' $p)" "$container running" "the node of $p"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status with the engine back: $st_err"
echo PASS
