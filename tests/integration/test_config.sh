#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `mk config` defaults and `mk update-context` on a Kubernetes cluster from the local release: the defaults set with
# `mk config set` make a plain `mk start` use the local release (the image repository is proven by the registry's
# log), a flag overrides a default, `mk config set profile` makes commands act on that profile without -p, and
# `mk update-context` repairs a broken kubeconfig entry while a foreign entry stays unchanged.
source "$(dirname "$0")/lib.sh"
require_release
p=it-config; use_profile $p
kubectl() { "$MK_TEST_KUBECTL" "$@"; }
write_foreign_kubeconfig
foreign() { kubectl config view --raw -o jsonpath='{.clusters[?(@.name=="foreign")].cluster.server} {.users[?(@.name=="foreign-user")].user.token}'; }
foreign_before=$(foreign)

note "mk config set: invalid keys and values are refused"
run_mk bad config set colour red
assert_eq "$bad_rc" 14 "an unknown key"
assert_contains "$bad_err" "image-repository"
run_mk bad config set memory lots
assert_eq "$bad_rc" 14 "an invalid value"
run_mk bad config get driver
assert_eq "$bad_rc" 85 "a key that is not set"

note "defaults for a plain mk start"
mk config set profile $p >/dev/null
mk config set driver docker >/dev/null
mk config set kubernetes-version "$MK_TEST_K8S_VERSION" >/dev/null
mk config set base-image "$MK_TEST_BASE_IMAGE" >/dev/null
mk config set image-repository "$MK_TEST_IMAGE_REPOSITORY" >/dev/null
mk config set binary-mirror "$MK_TEST_BINARY_MIRROR" >/dev/null
view=$(mk config view)
echo "$view"
assert_contains "$view" "- image-repository: $MK_TEST_IMAGE_REPOSITORY"
assert_eq "$(mk config get profile)" $p
assert_eq "$(mk profile)" $p "mk profile prints the profile commands act on"

note "a flag overrides a default (dry run)"
mk config set memory 3500mb >/dev/null
assert_contains "$(mk start -p other --dry-run)" "memory: 3500 MB" "--dry-run shows the configured default"
assert_contains "$(mk start -p other --dry-run --memory=4g)" "memory: 4096 MB" "--dry-run shows the flag"
assert_contains "$(mk start -p other --dry-run)" "$MK_TEST_IMAGE_REPOSITORY/kube-apiserver:$MK_TEST_K8S_VERSION"
run_mk dry start -p other --dry-run --image-repository=flag.example.test/k8s
assert_contains "$dry_out" "flag.example.test/k8s/kube-apiserver:$MK_TEST_K8S_VERSION"
assert_not_contains "$dry_out" "$MK_TEST_IMAGE_REPOSITORY" "the default where the flag was given"

note "a plain mk start (only the flags that have no default) uses the defaults"
mark=$(log_mark "$MK_TEST_REGISTRY_LOG")
run_mk start start --insecure-registry="$MK_TEST_REGISTRY" --preload-mirror="$MK_TEST_PRELOAD_MIRROR"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "start failed ($start_rc): $start_err"
assert_contains "$start_out" "profile \"$p\""
for _ in $(seq 100); do
  log_since "$MK_TEST_REGISTRY_LOG" "$mark" | grep -q "/v2/google_containers/" && break
  sleep 0.1
done
log_since "$MK_TEST_REGISTRY_LOG" "$mark" | grep -q "/v2/google_containers/" ||
  fail "no request for the configured repository in the registry's log"
assert_eq "$(kubectl get node $p -o jsonpath='{.status.nodeInfo.kubeletVersion}')" "$MK_TEST_K8S_VERSION"

note "commands without -p act on the configured profile"
run_mk status status
assert_eq "$status_rc" 0 "status of the configured profile: $status_err"
assert_contains "$status_out" "$p"
assert_eq "$(mk ip)" "$(mk ip -p $p)"

note "an existing profile keeps its own settings over mk config's"
mk config set memory 5000mb >/dev/null
assert_contains "$(mk start --dry-run)" "memory: 3500 MB" "the existing cluster's memory"
assert_eq "$(docker inspect -f '{{.HostConfig.Memory}}' $p)" $((3500 * 1024 * 1024)) "the node got the configured memory"

note "mk update-context repairs a broken entry and leaves the foreign one alone"
kubectl config set-cluster $p --server=https://127.0.0.1:1 >/dev/null
kubectl --context $p get nodes --request-timeout=5s >/dev/null 2>&1 && fail "the broken entry still works"
run_mk update update-context
[ "$update_rc" = 0 ] || fail "update-context failed ($update_rc): $update_err"
echo "$update_out"
kubectl --context $p get nodes >/dev/null || fail "kubectl does not work after update-context"
assert_eq "$(foreign)" "$foreign_before" "the foreign entry"

note "completion for fish"
assert_contains "$(mk completion fish)" "complete -c mk -n __fish_use_subcommand -a config"

note "mk config unset; mk delete of the configured profile"
mk config unset image-repository
run_mk gone config get image-repository
assert_eq "$gone_rc" 85
run_mk delete delete
[ "$delete_rc" = 0 ] || fail "delete failed: $delete_err"
assert_eq "$(objects_of $p)" ""
echo "PASS"
