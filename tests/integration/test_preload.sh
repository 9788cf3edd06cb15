#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A start that uses the preload (served by the local mirror): the images come out of the preload, tagged with the
# chosen repository's names, so the registry gets no request for any control-plane image.
source "$(dirname "$0")/lib.sh"
require_release
p=it-preload; use_profile $p
registry_mark=$(log_mark "$MK_TEST_REGISTRY_LOG")
mirror_mark=$(log_mark "$MK_TEST_MIRROR_ACCESS_LOG")
run_mk start start -p $p "${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --registry-mirror="http://$MK_TEST_REGISTRY"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "start failed ($start_rc): $start_err"
assert_not_contains "$start_out" "Without a preload"

note "the preload was fetched from the mirror, with its checksum; no binary was"
mirror_requests=$(log_since "$MK_TEST_MIRROR_ACCESS_LOG" "$mirror_mark")
echo "$mirror_requests"
assert_contains "$mirror_requests" "GET /preload/v18/$MK_TEST_K8S_VERSION/preloaded-images-k8s-v18-$MK_TEST_K8S_VERSION-containerd-overlay2-amd64.tar.lz4 "
assert_contains "$mirror_requests" ".tar.lz4.sha256"
assert_not_contains "$mirror_requests" "/bin/linux/amd64/kube"

note "no image was pulled for the control plane"
manifests=$(log_since "$MK_TEST_REGISTRY_LOG" "$registry_mark" | grep -oE '"(GET|HEAD) /v2/[^ ]*/manifests/[^ ]*' | sort -u || true)
echo "manifest requests: ${manifests:-none}"
if echo "$manifests" | grep -E '/(kube-apiserver|kube-controller-manager|kube-scheduler|kube-proxy|pause|etcd)/'; then
  fail "control-plane images were pulled although the preload holds them"
fi
images=$(mk ssh -p $p -- sudo ctr -n k8s.io images ls -q)
assert_contains "$images" "$MK_TEST_IMAGE_REPOSITORY/kube-apiserver:$MK_TEST_K8S_VERSION"
assert_contains "$images" "k8s.gcr.io/kube-apiserver:$MK_TEST_K8S_VERSION"

note "--registry-mirror is configured for docker.io pulls in the node's containerd"
assert_contains "$(mk ssh -p $p -- cat /etc/containerd/certs.d/docker.io/hosts.toml)" "[host.\"http://$MK_TEST_REGISTRY\"]"
assert_contains "$(cat "$MK_HOME/profiles/$p/config.json")" "http://$MK_TEST_REGISTRY"

note "the cluster works"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status: $st_out"
# --wait=none returned after kubeadm init: the node becomes Ready on its own, without mk waiting
"$MK_TEST_KUBECTL" wait --for=condition=Ready node/$p --timeout=120s >/dev/null ||
  fail "node $p did not become Ready after a --wait=none start"
assert_contains "$(mk cache list)" "preload"

note "a node whose first kubeadm init never completed (no completion marker in its /var) is created afresh"
docker exec $p rm /var/lib/mk/control-plane-initialized
old_id=$(docker inspect $p --format '{{.Id}}')
# --wait=none: mk returns once the API server answers and the addons are applied, without waiting for the node
run_mk start start -p $p --wait=none
[ "$start_rc" = 0 ] || fail "start after an interrupted bootstrap failed ($start_rc): $start_err"
assert_contains "$start_out" "never finished bootstrapping Kubernetes"
assert_contains "$start_out" "Bootstrapping the control plane (kubeadm init)"
assert_not_contains "$start_out" "to be Ready"
[ "$(docker inspect $p --format '{{.Id}}')" != "$old_id" ] || fail "the half-initialised node was reused"
"$MK_TEST_KUBECTL" wait --for=condition=Ready node/$p --timeout=180s >/dev/null || fail "the node never became Ready"
mk delete -p $p >/dev/null
assert_eq "$(objects_of $p)" ""
echo PASS
