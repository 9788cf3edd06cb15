#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Invalid flags are refused with one line and exit code 14 before anything is created: an invalid -p on every
# command, and a cache export whose manifest leaves the cache; commands on a profile that does not exist say so.
source "$(dirname "$0")/lib.sh"
p=it-invalid; use_profile $p
before=$(docker ps -aq | sort; docker volume ls -q | sort; docker network ls -q | sort)

expect_usage() {
  run_mk r "$@"
  assert_eq "$r_rc" 14 "exit code of: mk $*"
  [ -z "$r_out" ] || fail "mk $* printed on stdout: $r_out"
  [ "$(printf '%s\n' "$r_err" | grep -c .)" -le 2 ] || fail "mk $* printed more than one error line: $r_err"
}
expect_usage start -p $p --no-kubernetes --driver=virtualbox
expect_usage start -p $p --no-kubernetes --memory=lots
expect_usage start -p $p --no-kubernetes --memory=512mb
expect_usage start -p $p --no-kubernetes --cpus=0
expect_usage start -p $p --no-kubernetes --cpus=999
expect_usage start -p $p --no-kubernetes --subnet=8.8.8.0/24
expect_usage start -p $p --no-kubernetes --subnet=192.168.1.7/24
expect_usage start -p $p --no-kubernetes --static-ip=192.168.5.1
expect_usage start -p $p --no-kubernetes --base-image='bad image'
expect_usage start -p Bad_Name --no-kubernetes
expect_usage start -p $p --no-kubernetes --kubernetes-version=v1.20.2
expect_usage start -p $p --no-such-flag
expect_usage start -p $p --no-kubernetes --wait=apiserver,nodes
assert_contains "$r_err" "invalid --wait"
expect_usage status -p $p -o yaml
expect_usage completion tcsh
expect_usage frobnicate

note "every command checks -p before it touches anything"
# what -p ../victim reaches from MK_HOME/profiles: a directory with a profile in it, which delete used to remove
mkdir -p "$MK_HOME/profiles" "$MK_HOME/victim"
echo '{"name": "victim", "driver": "docker", "kubernetes_enabled": false, "nodes": []}' >"$MK_HOME/victim/config.json"
home_state() { (cd "$MK_HOME" && find . -printf '%p %s %T@\n' | sort); }
home_before=$(home_state)
for name in ../victim /tmp/x a/b Bad_Name; do
  for command in "delete -p @" "status -p @" "stop -p @" "ssh -p @" "ip -p @" "node list -p @" "cache list -p @" \
    "kubectl -p @ -- get nodes" "-p @ cache export $MK_HOME/x.tar --kubernetes-version=v1.20.2" "-p @ version"; do
    expect_usage ${command//@/$name}
    assert_contains "$r_err" "invalid profile name \"$name\""
  done
done
run_mk r profile list -p ../victim
assert_eq "$r_rc" 0 "mk profile list ignores -p"
assert_eq "$(home_state)" "$home_before" "an invalid -p changed MK_HOME"
rm -rf "$MK_HOME/victim" "$MK_HOME/profiles"

note "cache import refuses a manifest that leaves the cache, and writes nothing"
escape=mk-escape-$(basename "$MK_HOME")
# craft_export FILE VERSION ENTRY PAYLOAD: an export whose manifest lists ENTRY, with a file at archive path PAYLOAD
craft_export() {
  python3 - "$@" <<'EOF'
import io, json, sys, tarfile
out, version, entry, payload = sys.argv[1:5]
manifest = {"format": 1, "version": version, "base_image": "", "files": [entry]}
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
    for name, data in (("mk-cache.json", json.dumps(manifest).encode()), (payload, b"escaped\n")):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
EOF
}
archives=$MK_HOME/archives
mkdir "$archives"
# ../E, seen from the import's staging cache/, is the staging directory, where the payload E is extracted: only the
# manifest check keeps that file from being moved to MK_HOME/E
craft_export "$archives/up1.tar" v1.20.2 "../$escape" "$escape"
craft_export "$archives/up2.tar" v1.20.2 "../../$escape" "cache/$escape"
craft_export "$archives/absolute.tar" v1.20.2 "$MK_HOME/$escape" "$escape"
craft_export "$archives/version.tar" ../x linux/amd64/v1.20.2/kubeadm cache/linux/amd64/v1.20.2/kubeadm
home_before=$(home_state)
for archive in up1 up2 absolute version; do
  expect_usage cache import "$archives/$archive.tar"
  assert_contains "$r_err" "is not a valid cache export"
  [ ! -e "$MK_HOME/cache" ] || fail "cache import of $archive.tar wrote into the cache: $(find "$MK_HOME/cache")"
  assert_eq "$(home_state)" "$home_before" "cache import of $archive.tar changed MK_HOME"
  [ -z "$(find /tmp -maxdepth 2 -name "$escape")" ] || fail "cache import of $archive.tar wrote $escape"
done
rm -rf "$archives"
assert_eq "$(docker ps -aq | sort; docker volume ls -q | sort; docker network ls -q | sort)" "$before" "invalid flags created objects"
[ ! -e "$MK_HOME/profiles" ] || [ -z "$(ls "$MK_HOME/profiles")" ] || fail "invalid flags created a profile"

for command in "status" "ssh" "ip" "node list" "stop"; do
  run_mk r $command -p $p
  assert_eq "$r_rc" 85 "exit code of mk $command on a missing profile"
  assert_contains "$r_err" "profile \"$p\" not found"
done
run_mk r delete -p $p
assert_eq "$r_rc" 0
assert_contains "$r_out" "does not exist"

note "help on every command"
for command in "" start stop delete status ssh "node" "node list" ip "profile list" version completion; do
  run_mk r $command --help
  assert_eq "$r_rc" 0 "mk $command --help"
  assert_contains "$r_out" "Usage:"
done
assert_contains "$(mk completion bash)" "complete -F _mk mk"
assert_contains "$(mk completion zsh)" "#compdef mk"
assert_contains "$(mk version)" "mk version: v"
echo PASS
