#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The local release (scripts/testenv/up.sh) serves this machine only: the registry the nodes pull from listens on
# the Docker bridge gateway address only and the binary mirror on loopback only (nothing of theirs on 0.0.0.0 or
# [::]), no writable registry instance is left running, and the registry is read-only: deleting a manifest,
# overwriting a tag and uploading a blob are refused while pulls still work.
source "$(dirname "$0")/lib.sh"
require_release
[ -n "${MK_TESTENV_RUN:-}" ] || fail "MK_TESTENV_RUN is not set (source the local release's env.sh)"
gateway=${MK_TEST_REGISTRY%:*}
registry_port=${MK_TEST_REGISTRY##*:}
mirror_address=${MK_TEST_BINARY_MIRROR#http://}
mirror_address=${mirror_address%%/*}

# the addresses process $1 listens on (TCP), one per line
listeners_of() { ss -ltnpH | awk -v owner="pid=$1," 'index($0, owner) {print $4}' | sort -u; }
running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

note "who listens where"
registry_pid=$(cat "$MK_TESTENV_RUN/registry.pid" 2>/dev/null) || true
mirror_pid=$(cat "$MK_TESTENV_RUN/mirror.pid" 2>/dev/null) || true
running "$registry_pid" || fail "the registry of $MK_TESTENV_RUN/registry.pid does not run"
running "$mirror_pid" || fail "the mirror of $MK_TESTENV_RUN/mirror.pid does not run"
ss -ltnpH | grep -E "pid=($registry_pid|$mirror_pid)," || true
assert_eq "$(listeners_of "$registry_pid")" "$gateway:$registry_port" "the registry's listeners"
assert_eq "$(listeners_of "$mirror_pid")" "$mirror_address" "the mirror's listeners"
case "$mirror_address" in 127.*) ;; *) fail "the mirror is not on loopback: $mirror_address" ;; esac
# nobody else takes the registry's port on every address either
wildcard=$(ss -ltnH | awk -v port="$registry_port" '$4 == "0.0.0.0:" port || $4 == "[::]:" port || $4 == "*:" port')
assert_eq "$wildcard" "" "a listener on every address on the registry's port"
push_pid=$(cat "$MK_TESTENV_RUN/registry-push.pid" 2>/dev/null) || true
! running "$push_pid" || fail "the writable registry instance (pid $push_pid) still runs after up.sh"

note "the registry the nodes use is read-only"
registry=http://$MK_TEST_REGISTRY
manifest_types='application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'
manifest_types+=', application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json'
work=$MK_HOME/registry-check
mkdir -p "$work"
# request METHOD PATH [curl args...]: prints the HTTP status; the body goes to $work/body, headers to $work/headers
request() {
  local method=$1 path=$2
  shift 2
  curl -sS -m 10 -X "$method" -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@" "$registry$path"
}
manifest=/v2/google_containers/pause/manifests/3.2
assert_eq "$(request GET $manifest -H "Accept: $manifest_types")" 200 "GET of the pause manifest"
digest=$(awk 'tolower($1) == "docker-content-digest:" {print $2}' "$work/headers" | tr -d '\r')
media_type=$(awk 'tolower($1) == "content-type:" {print $2}' "$work/headers" | tr -d '\r')
[[ $digest == sha256:* ]] || fail "no digest for the pause manifest: $(cat "$work/headers")"
cp "$work/body" "$work/manifest"

assert_eq "$(request DELETE "/v2/google_containers/pause/manifests/$digest")" 405 "DELETE of the manifest"
assert_eq "$(request PUT $manifest -H "Content-Type: $media_type" --data-binary @"$work/manifest")" 405 \
  "PUT over the tag"
assert_eq "$(request POST /v2/google_containers/pause/blobs/uploads/)" 405 "POST starting a blob upload"
# a monolithic upload (one POST with the content); its content is already stored, so a writable registry would
# change nothing by accepting it
assert_eq "$(request POST "/v2/google_containers/pause/blobs/uploads/?digest=$digest" \
  -H 'Content-Type: application/octet-stream' --data-binary @"$work/manifest")" 405 "POST of a whole blob"

assert_eq "$(request GET $manifest -H "Accept: $manifest_types")" 200 "GET of the pause manifest afterwards"
assert_eq "$(awk 'tolower($1) == "docker-content-digest:" {print $2}' "$work/headers" | tr -d '\r')" "$digest" \
  "the pause manifest's digest afterwards"
assert_eq "$(request GET "/v2/google_containers/pause/manifests/$digest" -H "Accept: $manifest_types")" 200 \
  "GET of the manifest by digest afterwards"
echo PASS
