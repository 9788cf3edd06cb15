#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two MK_HOMEs on one engine never touch each other's objects: `delete --all` removes only its own home's, and a
# name taken by another home's cluster is refused (exit 11) and left alone.
source "$(dirname "$0")/lib.sh"

home_a=$MK_HOME
home_b=$(mktemp -d /tmp/mk-it-home-b.XXXXXX)
x=it-home-x; y=it-home-y
use_profile $x
trap 'st=$?; MK_HOME=$home_b "$MK_BIN" delete --all >/dev/null 2>&1; rm -rf "$home_b"; (exit $st); cleanup' EXIT

MK_HOME=$home_a mk start -p $x --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
MK_HOME=$home_b mk start -p $y --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
container=$(docker inspect --format '{{.Id}}' $x)
[ "$(docker inspect --format '{{index .Config.Labels "home.mk"}}' $x)" != \
  "$(docker inspect --format '{{index .Config.Labels "home.mk"}}' $y)" ] || fail "both homes label their objects alike"

note "B's delete --all removes B's cluster only"
MK_HOME=$home_b run_mk all delete --all
assert_eq "$all_rc" 0 "delete --all: $all_err"
assert_eq "$(objects_of $y)" "" "B's objects left"
assert_eq "$(docker inspect --format '{{.Id}} {{.State.Status}}' $x)" "$container running" "A's node after B's delete --all"
docker volume inspect $x >/dev/null || fail "A's volume was removed"
docker network inspect $x >/dev/null || fail "A's network was removed"
MK_HOME=$home_a run_mk st status -p $x
assert_eq "$st_rc" 0 "A's cluster after B's delete --all: $st_out $st_err"

note "B may not take a name A's running cluster uses"
MK_HOME=$home_b run_mk start start -p $x --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE"
assert_eq "$start_rc" 11 "exit code of a start over another home's cluster: $start_err"
assert_contains "$start_err" "another MK_HOME"
[ ! -e "$home_b/profiles/$x" ] || fail "B kept a profile for the refused start"
assert_eq "$(docker inspect --format '{{.Id}} {{.State.Status}}' $x)" "$container running" "A's node after B's refused start"
MK_HOME=$home_a run_mk st status -p $x
assert_eq "$st_rc" 0 "A's cluster after B's refused start"

note "B's delete of the same name does not reach A's objects"
MK_HOME=$home_b run_mk del delete -p $x
assert_eq "$del_rc" 0
assert_eq "$(docker inspect --format '{{.Id}} {{.State.Status}}' $x)" "$container running" "A's node after B's delete"
echo PASS
