#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Kubernetes v1.20.2 on a qemu VM node (TCG here: minutes) from the local release, with the registry named at a
# 127.0.0.1:PORT address, which the VM reaches through its user-mode gateway (the loopback rewrite): Node Ready
# with a fresh heartbeat, a pod Running from an image pulled through that registry, `mk kubectl`, status,
# `mk service --url` through a loopback forward added to the running VM, and a delete that leaves no qemu
# process, machine directory or kubeconfig entry. The only VM Kubernetes test.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_qemu.sh"
require_release
kubectl() { "$MK_TEST_KUBECTL" "$@"; }

# the local release's read-only registry, also on a loopback port of its own for this test
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
instance=it-vm-registry-$$
run_dir=$MK_TESTENV_RUN
"$REPO_ROOT/scripts/testenv/registry.sh" serve $instance 127.0.0.1:$port readonly >/dev/null 2>&1 ||
  fail "cannot serve the local registry on 127.0.0.1:$port"
at_exit "'$REPO_ROOT/scripts/testenv/registry.sh' stop $instance; rm -f '$run_dir/$instance'.yml '$run_dir/$instance'.log '$run_dir/$instance'.pid"
registry=127.0.0.1:$port

p=it-vmk-$$
use_profile $p
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
note "start Kubernetes on a VM node (registry $registry)"
run_mk start start -p $p --driver=qemu --vm-image="$MK_TEST_VM_IMAGE" --kubernetes-version="$MK_TEST_K8S_VERSION" \
  --image-repository=$registry/google_containers --insecure-registry=$registry --binary-mirror="$MK_TEST_BINARY_MIRROR" \
  --preload-mirror="$MK_TEST_PRELOAD_MIRROR" --memory=3072
[ "$start_rc" = 0 ] || { tail -n 30 "$MK_HOME/machines/$p/console.log" 2>/dev/null; fail "start failed ($start_rc): $start_out $start_err"; }
echo "$start_out" | grep -E '^✓' || true

note "the node is Ready in a status its kubelet sent since the start"
kubectl get nodes -o wide
assert_eq "$(kubectl get node $p -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True "node Ready"
heartbeat=$(kubectl get node $p -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}')
[[ "$heartbeat" > "$started" || "$heartbeat" == "$started" ]] || fail "Ready heartbeat $heartbeat is older than the start $started"
assert_eq "$(kubectl get node $p -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')" 192.168.39.2 \
  "node address: its address on the cluster's switch"

note "containerd in the VM reaches $registry through the gateway"
hosts=$(mk ssh -p $p -- sudo cat "/etc/containerd/certs.d/$registry/hosts.toml")
assert_contains "$hosts" "server = \"http://10.0.2.2:$port\"" "the registry's hosts.toml"
mark=$(log_mark "$run_dir/$instance.log")
kubectl run pause --image=$registry/google_containers/pause:3.2 --image-pull-policy=Always --restart=Never >/dev/null ||
  fail "cannot create a pod"
kubectl wait --for=condition=Ready pod/pause --timeout=300s >/dev/null || { kubectl describe pod pause; fail "pod not Ready"; }
assert_eq "$(kubectl get pod pause -o jsonpath='{.status.phase}')" Running "pod phase"
log_since "$run_dir/$instance.log" "$mark" | grep -q '/v2/google_containers/pause/manifests/3.2' ||
  fail "the pod's image was not pulled through $registry"

note "mk kubectl and status"
assert_contains "$(mk kubectl -p $p -- get nodes)" "Ready" "mk kubectl"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status exit code ($st_out)"
assert_contains "$st_out" "kubelet: Running" "status kubelet"
assert_contains "$st_out" "apiserver: Running" "status apiserver"
assert_contains "$st_out" "kubeconfig: Configured" "status kubeconfig"

note "mk service --url on a VM node: a loopback forward added at run time (QMP hostfwd_add)"
kubectl create deployment web --image=$registry/google_containers/mk-test-busybox:2 -- \
  sh -c 'echo hello-from-vm >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
kubectl expose deployment web --type=NodePort --port=80 --target-port=8080 >/dev/null
url=$(mk service web --url -p $p)
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "not a loopback URL: $url"
assert_eq "$(mk service web --url -p $p)" "$url" "a second call reuses the forward"
for _ in $(seq 240); do [ "$(curl -fsS -m 5 "$url" 2>/dev/null)" = hello-from-vm ] && break; sleep 0.5; done
assert_eq "$(curl -fsS -m 5 "$url")" hello-from-vm "the page through the forward"
pid=$(cat "$MK_HOME/machines/$p/qemu.pid")

note "delete leaves nothing"
run_mk del delete -p $p
assert_eq "$del_rc" 0 "delete exit code"
running "$pid" && fail "qemu (pid $pid) still runs after delete"
[ ! -e "$MK_HOME/machines/$p" ] || fail "machine directory left: $(ls -A "$MK_HOME/machines/$p")"
assert_eq "$(kubectl config view -o jsonpath="{.clusters[?(@.name==\"$p\")].name}")" "" "kubeconfig entry left"
assert_no_qemu_of_home
echo "PASS"
