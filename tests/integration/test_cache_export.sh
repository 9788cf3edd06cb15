#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `mk cache export` moves a whole version (node image, preload, binaries) to another machine's cache: export, wipe
# the cache and the node image, import, then start offline (registry and mirror replaced by sentinels).
source "$(dirname "$0")/lib.sh"
require_release
flags=("${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR")
mk start -p it-export "${flags[@]}" --download-only >/dev/null
export_file=$MK_HOME/export.tar
run_mk ex cache export "$export_file" --kubernetes-version="$MK_TEST_K8S_VERSION"
assert_eq "$ex_rc" 0 "export: $ex_err"
listing=$(tar -tf "$export_file")
assert_contains "$listing" "mk-cache.json"
assert_contains "$listing" "node-image.tar"
assert_contains "$listing" "preloaded-tarball/preloaded-images-k8s-v18-$MK_TEST_K8S_VERSION"

note "an empty cache, the node image gone from the engine"
rm -rf "$MK_HOME/cache"
# a copy of the node image under a second name keeps the shared test image alive while the original is removed
docker tag "$MK_TEST_BASE_IMAGE" mk-test/keep-node-image:1
docker rmi "$MK_TEST_BASE_IMAGE" >/dev/null
restore_image() { docker image inspect "$MK_TEST_BASE_IMAGE" >/dev/null 2>&1 || docker tag mk-test/keep-node-image:1 "$MK_TEST_BASE_IMAGE"; docker rmi mk-test/keep-node-image:1 >/dev/null 2>&1 || true; }
trap 'rc=$?; restore_image; (exit $rc); cleanup' EXIT
run_mk ls cache list
assert_contains "$ls_out" "empty"

run_mk im cache import "$export_file"
assert_eq "$im_rc" 0 "import: $im_err"
docker image inspect "$MK_TEST_BASE_IMAGE" >/dev/null 2>&1 || fail "the import did not load the node image"
assert_contains "$(mk cache list)" "preload"

note "offline start from the imported cache"
use_sentinels
p=it-export; use_profile $p
run_mk start start -p $p "${flags[@]}"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "offline start failed ($start_rc): $start_err"
assert_eq "$(sentinel_requests mirror)" "" "requests to the mirror"
assert_eq "$(sentinel_requests registry)" "" "requests to the registry"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status: $st_out"
mk delete -p $p >/dev/null
restore_servers
echo PASS
