#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Invalid flags are refused with one line and exit code 14 before anything is created; commands on a profile that
# does not exist say so.
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
expect_usage status -p $p -o yaml
expect_usage completion fish
expect_usage frobnicate
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
