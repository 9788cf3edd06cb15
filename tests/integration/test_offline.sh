#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --download-only fills the cache (without a preload: binaries and image archives from the registry, two runs at
# once fetching each file once); every URL fetched is in the --dry-run plan; then, with the registry and the mirror
# replaced by sentinels that log any request, a new profile starts from the cache alone (a fresh volume), its
# registry addon included.
source "$(dirname "$0")/lib.sh"
require_release
# the registry addon's image is in the local release, storage-provisioner's is not (a warning, not a failure)
flags=("${release_flags[@]}" --preload-mirror="$MK_TEST_NO_PRELOAD_MIRROR" --addons=registry)

note "the plan"
run_mk plan start -p it-offline "${flags[@]}" --dry-run
assert_eq "$plan_rc" 0 "dry-run: $plan_err"
echo "$plan_out"
assert_contains "$plan_out" "image: $MK_TEST_IMAGE_REPOSITORY/kube-apiserver:$MK_TEST_K8S_VERSION"
assert_contains "$plan_out" "binary: $MK_TEST_BINARY_MIRROR/$MK_TEST_K8S_VERSION/bin/linux/amd64/kubelet"
[ ! -e "$MK_HOME/profiles/it-offline" ] || fail "--dry-run created a profile"

note "two --download-only runs at once"
registry_mark=$(log_mark "$MK_TEST_REGISTRY_LOG")
mirror_mark=$(log_mark "$MK_TEST_MIRROR_ACCESS_LOG")
"$MK_BIN" start -p it-offline "${flags[@]}" --download-only >"$MK_HOME/d1.log" 2>&1 & first=$!
"$MK_BIN" start -p it-offline "${flags[@]}" --download-only >"$MK_HOME/d2.log" 2>&1 & second=$!
rc1=0; wait $first || rc1=$?
rc2=0; wait $second || rc2=$?
cat "$MK_HOME/d1.log" "$MK_HOME/d2.log"
assert_eq "$rc1$rc2" 00 "both downloads succeed"
assert_contains "$(cat "$MK_HOME/d1.log" "$MK_HOME/d2.log")" "cannot cache image $MK_TEST_IMAGE_REPOSITORY/k8s-minikube/storage-provisioner:v5 of addon storage-provisioner"
[ ! -e "$MK_HOME/profiles/it-offline" ] || fail "--download-only created a profile"
[ -z "$(docker ps -aq --filter label=cluster.mk=it-offline)" ] || fail "--download-only created a node"
mirror_requests=$(log_since "$MK_TEST_MIRROR_ACCESS_LOG" "$mirror_mark")
registry_requests=$(log_since "$MK_TEST_REGISTRY_LOG" "$registry_mark")
for binary in kubeadm kubelet kubectl; do
  assert_eq "$(echo "$mirror_requests" | grep -c "^GET /release/$MK_TEST_K8S_VERSION/bin/linux/amd64/$binary ")" 1 "GETs of $binary"
done
blob_gets=$(echo "$registry_requests" | grep -oE '"GET /v2/[^ ]*/blobs/sha256:[0-9a-f]+' | sort)
[ -n "$blob_gets" ] || fail "no image blob was fetched"
assert_eq "$(echo "$blob_gets" | uniq -d)" "" "an image blob was fetched twice"

note "every URL fetched is in the plan"
while read -r method path _; do
  [ -n "$path" ] || continue
  assert_contains "$plan_out" "http://127.0.0.1:18080$path" "a fetched URL is missing from the plan"
done <<<"$mirror_requests"
for manifest in $(echo "$registry_requests" | grep -oE '"(GET|HEAD) /v2/[^ ]*/manifests/[^ ]*' | awk '{print $2}' | sort -u); do
  repo=${manifest#/v2/}; repo=${repo%/manifests/*}; tag=${manifest##*/}
  [[ $tag == sha256:* ]] && continue # a platform manifest, reached through the image's own
  assert_contains "$plan_out" "${MK_TEST_REGISTRY}/$repo:$tag" "an image fetched is missing from the plan"
done
assert_contains "$(mk cache list)" "kube-apiserver"
assert_contains "$(mk cache list)" "registry" "the registry addon's image archive"

note "an offline start from the cache"
use_sentinels
p=it-offline; use_profile $p
run_mk start start -p $p "${flags[@]}"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "offline start failed ($start_rc): $start_err"
assert_eq "$(sentinel_requests mirror)" "" "requests to the binary mirror"
assert_eq "$(sentinel_requests registry)" "" "requests to the registry"
assert_eq "$("$MK_TEST_KUBECTL" get node $p -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True
note "the registry addon runs from its cached image"
mk addons enable registry -p $p --wait --wait-timeout=2m >/dev/null || fail "the registry addon's pod is not Ready offline"
assert_eq "$(sentinel_requests registry)" "" "requests to the registry"
mk delete -p $p >/dev/null
restore_servers
echo PASS
