#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two `mk start -p x` at the same time: the profile lock serialises them; one node, a valid profile, both succeed.
source "$(dirname "$0")/lib.sh"
p=it-race; use_profile $p
"$MK_BIN" start -p $p --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/tmp/$p.1 2>&1 & first=$!
"$MK_BIN" start -p $p --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" >/tmp/$p.2 2>&1 & second=$!
rc1=0; wait $first || rc1=$?
rc2=0; wait $second || rc2=$?
cat /tmp/$p.1 /tmp/$p.2
rm -f /tmp/$p.1 /tmp/$p.2
assert_eq "$rc1$rc2" 00 "both starts succeed"
assert_eq "$(docker ps -a --filter label=cluster.mk=$p --format '{{.Names}}')" $p "exactly one node"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$MK_HOME/profiles/$p/config.json" || fail "corrupt profile"
run_mk st status -p $p
assert_eq "$st_rc" 0
mk delete -p $p >/dev/null
echo PASS
