#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --dry-run prints every image and URL a start would fetch and touches nothing; with --image-mirror-country=cn none
# of them points outside the mirror. Unknown countries and malformed mirror URLs are refused before anything happens.
source "$(dirname "$0")/lib.sh"
before=$(docker ps -aq | sort; docker volume ls -q | sort; docker network ls -q | sort)
run_mk plan start -p it-dry --image-mirror-country=cn --kubernetes-version=v1.23.3 --dry-run
assert_eq "$plan_rc" 0 "dry-run: $plan_err"
echo "$plan_out"
for kind in "base image: " "preload: " "preload checksum: " "binary: " "binary checksum: " "image: " "addon image: "; do
  assert_contains "$plan_out" "$kind" "the plan lists every kind of artefact"
done
assert_eq "$(echo "$plan_out" | grep -c '^binary: ')" 3
assert_eq "$(echo "$plan_out" | grep -c '^image: ')" 7
if echo "$plan_out" | grep -E 'gcr\.io|registry\.k8s\.io|dl\.k8s\.io|storage\.googleapis\.com|docker\.io|github\.com'; then
  fail "the cn plan names an upstream host"
fi
artefacts=$(echo "$plan_out" | grep -E '^(base image|preload|preload checksum|binary|binary checksum|image|addon image): ')
assert_eq "$(echo "$artefacts" | grep -vc 'aliyuncs.com')" 0 "every artefact points at the Aliyun mirrors"
for setting in "driver: " "cpus: " "memory: " "nodes: 1" "kubernetes version: v1.23.3"; do
  assert_contains "$plan_out" "$setting" "the plan shows the effective settings"
done
assert_eq "$(echo "$plan_out" | grep -cvE '^(  |(driver|cpus|memory|nodes|kubernetes version|base image|preload|preload checksum|binary|binary checksum|image|addon image): )')" 0 \
  "the plan has only notes, settings and artefacts"
assert_eq "$(docker ps -aq | sort; docker volume ls -q | sort; docker network ls -q | sort)" "$before" "--dry-run created objects"
[ ! -e "$MK_HOME/profiles/it-dry" ] || fail "--dry-run created a profile"

run_mk r start -p it-dry --image-mirror-country=atlantis --dry-run
assert_eq "$r_rc" 14
assert_contains "$r_err" "unknown --image-mirror-country"
for bad in --binary-mirror=ftp://x --preload-mirror=not-a-url --registry-mirror=https://mirror.example/path; do
  run_mk r start -p it-dry $bad --dry-run
  assert_eq "$r_rc" 14 "exit code for $bad"
done
echo PASS
