#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A start that fails removes exactly what it created; a failed restart never deletes the existing cluster.
source "$(dirname "$0")/lib.sh"

note "a base image that does not exist: nothing is left"
p=it-fail-pull; use_profile $p
run_mk start start -p $p --no-kubernetes --base-image=127.0.0.1:1/mk-no-such/image:v0
[ "$start_rc" != 0 ] || fail "start with a missing image succeeded"
assert_eq "$start_rc" 40 "exit code of a failed pull"
assert_contains "$start_err" "cannot pull the node image"
assert_eq "$(objects_of $p)" "" "objects left after a failed pull"
[ ! -e "$MK_HOME/profiles/$p" ] || fail "profile left after a failed start"
note "MK_HOME/logs/lastStart.txt keeps the failed start: its commands, their output, the error"
last_start=$(cat "$MK_HOME/logs/lastStart.txt") || fail "no lastStart.txt after a failed start"
assert_contains "$last_start" "command line: $MK_BIN start -p $p"
assert_contains "$last_start" "\$ docker pull 127.0.0.1:1/mk-no-such/image:v0" "the failing command"
assert_contains "$last_start" "  exit 1 after" "its exit code"
assert_contains "$last_start" "err| " "its output"
assert_contains "$last_start" "mk failed:"
assert_contains "$last_start" "cannot pull the node image 127.0.0.1:1/mk-no-such/image:v0"

note "a node that dies while booting: its network, volume and container are removed"
broken=mk-test/broken-node:1
printf 'FROM %s\nENTRYPOINT ["/bin/sh", "-c", "echo this node cannot boot >&2; exit 3"]\n' "$MK_TEST_BASE_IMAGE" |
  DOCKER_BUILDKIT=0 docker build -q -t $broken - >/dev/null 2>&1 || fail "cannot build the broken test image"
p=it-fail-boot; use_profile $p
run_mk start start -p $p --no-kubernetes --base-image=$broken
assert_eq "$start_rc" 80 "exit code of a node that cannot boot"
assert_contains "$start_err" "stopped while booting"
assert_contains "$start_err" "this node cannot boot"
assert_eq "$(objects_of $p)" "" "objects left after a failed boot"
[ ! -e "$MK_HOME/profiles/$p" ] || fail "profile left"
[ ! -e "$MK_HOME/machines/$p" ] || fail "machine directory left"
docker rmi $broken >/dev/null

note "a failed restart keeps the cluster"
p=it-fail-restart; use_profile $p
mk start -p $p --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
mk stop -p $p >/dev/null
# starve the stopped node so that it cannot boot on the next start
docker update --memory 8m --memory-swap 8m $p >/dev/null
run_mk start start -p $p --no-kubernetes
[ "$start_rc" != 0 ] || fail "a node with 8 MB booted"
docker container inspect $p >/dev/null 2>&1 || fail "the failed restart removed the container"
docker volume inspect $p >/dev/null 2>&1 || fail "the failed restart removed the volume"
[ -e "$MK_HOME/profiles/$p/config.json" ] || fail "the failed restart removed the profile"
docker stop $p >/dev/null 2>&1 || true
docker update --memory 2g --memory-swap 4g $p >/dev/null
run_mk start start -p $p --no-kubernetes
assert_eq "$start_rc" 0 "the cluster starts again once fixed: $start_err"
mk delete -p $p >/dev/null
assert_eq "$(objects_of $p)" ""

note "a name taken by a container mk did not create is refused and left alone"
p=it-foreign; use_profile $p
docker create --name $p "$MK_TEST_BASE_IMAGE" >/dev/null
run_mk start start -p $p --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE"
assert_eq "$start_rc" 11 "exit code of a name conflict"
assert_contains "$start_err" "not created by mk"
docker container inspect $p >/dev/null 2>&1 || fail "mk removed a container it did not create"
docker rm -f $p >/dev/null
assert_eq "$(objects_of $p)" ""
echo PASS
