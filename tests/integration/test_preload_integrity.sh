#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The preload's checksum fails closed: a `--download-only` against a preload mirror that answers 500 for the
# .sha256 (while serving the tarball) exits 40 and puts nothing of the preload into the cache; one that answers 404
# (no checksum published) caches the preload, unverified, and says so.
source "$(dirname "$0")/lib.sh"
require_release
[ -n "${MK_TESTENV_RUN:-}" ] || fail "MK_TESTENV_RUN is not set (source the local release's env.sh)"
version=$MK_TEST_K8S_VERSION
name=preloaded-images-k8s-v18-$version-containerd-overlay2-amd64.tar.lz4
published=${MK_TESTENV_CACHE:-$(dirname "$MK_TESTENV_RUN")}/mirror/preload/v18/$version/$name
[ -s "$published" ] || fail "the local release has no preload at $published (scripts/testenv/up.sh)"

# our own mirror directory: a hard link (or a copy) of the tarball, never the shared files themselves
served=$MK_HOME/served
mkdir -p "$served/preload/v18/$version"
ln "$published" "$served/preload/v18/$version/$name" 2>/dev/null || cp "$published" "$served/preload/v18/$version/$name"
cp "$published.sha256" "$served/preload/v18/$version/$name.sha256"
p=it-preload-integrity; use_profile $p
preload_files() { find "$MK_HOME/cache" -name 'preloaded-images-*' 2>/dev/null || true; }

note "a server error for the checksum: exit 40, nothing cached"
start_server failing_port "$served" --status .sha256=500 --access-log "$MK_HOME/failing.log"
run_mk failing start -p $p "${release_flags[@]}" --preload-mirror="http://127.0.0.1:$failing_port/preload" --download-only
echo "$failing_out"; echo "$failing_err"
assert_eq "$failing_rc" 40 "exit code with a 500 for the checksum"
assert_contains "$failing_err" "$name.sha256" "the error names the checksum"
assert_contains "$(cat "$MK_HOME/failing.log")" "GET /preload/v18/$version/$name.sha256 - 500 " "the checksum was asked"
assert_eq "$(preload_files)" "" "preload files in the cache after a failed checksum"
assert_not_contains "$(cat "$MK_HOME/failing.log")" "GET /preload/v18/$version/$name " "the tarball was fetched"
[ ! -e "$MK_HOME/profiles/$p" ] || fail "--download-only created a profile"

note "no checksum published (404): the preload is cached, with a warning"
start_server unpublished_port "$served" --status .sha256=404 --access-log "$MK_HOME/unpublished.log"
run_mk unverified start -p $p "${release_flags[@]}" \
  --preload-mirror="http://127.0.0.1:$unpublished_port/preload" --download-only
echo "$unverified_out"; echo "$unverified_err"
assert_eq "$unverified_rc" 0 "exit code with a 404 for the checksum: $unverified_err"
assert_contains "$unverified_out$unverified_err" "no checksum is published for the preload" "the warning"
assert_contains "$unverified_out$unverified_err" "used unverified" "the warning"
cached=$MK_HOME/cache/preloaded-tarball/$name
[ -f "$cached" ] || fail "the preload is not in the cache: $(preload_files)"
cmp -s "$cached" "$published" || fail "the cached preload differs from the published one"
assert_contains "$(mk cache list)" "preload"
echo PASS
