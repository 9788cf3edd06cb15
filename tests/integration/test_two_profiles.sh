#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two profiles side by side get their own networks, subnets and nodes; deleting one leaves the other running.
source "$(dirname "$0")/lib.sh"
a=it-pair-a; b=it-pair-b; use_profile $a; use_profile $b

mk start -p $a --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
mk start -p $b --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
ip_a=$(mk ip -p $a); ip_b=$(mk ip -p $b)
[ "${ip_a%.*}" != "${ip_b%.*}" ] || fail "both profiles are on the same subnet ($ip_a, $ip_b)"
assert_eq "$(docker inspect $a --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}')" $a
assert_eq "$(docker inspect $b --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}')" $b
list=$(mk profile list)
assert_contains "$list" "$a"
assert_contains "$list" "$b"
assert_eq "$(mk ssh -p $a -- hostname)" $a
assert_eq "$(mk ssh -p $b -- hostname)" $b
# the two machine ids differ (each node gets its own)
[ "$(mk ssh -p $a -- cat /etc/machine-id)" != "$(mk ssh -p $b -- cat /etc/machine-id)" ] || fail "nodes share a machine-id"

mk delete -p $a >/dev/null
assert_eq "$(objects_of $a)" "" "objects of $a left"
run_mk st status -p $b
assert_eq "$st_rc" 0 "$b must stay healthy"
assert_eq "$(mk ssh -p $b -- hostname)" $b

note "delete --all removes every profile and every object mk created"
mk start -p $a --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/dev/null
run_mk all delete --all
assert_eq "$all_rc" 0 "delete --all: $all_err"
assert_eq "$(objects_of $a)$(objects_of $b)" "" "objects left after delete --all"
assert_eq "$(docker ps -aq --filter label=created_by.mk=true)" "" "containers created by mk left"
[ -z "$(ls "$MK_HOME/profiles" 2>/dev/null)" ] || fail "profiles left after delete --all"
echo PASS
