#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A real Kubernetes control plane from the local release (scripts/testenv/up.sh), reached through mk's mirror flags:
# start -> node Ready, a pod Running, default StorageClass, status, served certificates -> stop -> start -> a second
# profile beside it -> delete both, on docker or (MK_TEST_ENGINE=podman) podman. No preload (the fallback path:
# binaries and image pulls). The local release has no CoreDNS image: its pods stay pending and nothing waits for
# them.
source "$(dirname "$0")/lib.sh"
require_release
# MK_TEST_ENGINE=podman runs the same checks with --driver=podman
suffix=${MK_TEST_ENGINE:+-$MK_TEST_ENGINE}
a=it-k8s-a$suffix; b=it-k8s-b$suffix; use_profile $a; use_profile $b
export KUBECONFIG=$MK_HOME/kubeconfig
write_foreign_kubeconfig
kubectl() { "$MK_TEST_KUBECTL" "$@"; }
start_flags=(--driver=$engine "${release_flags[@]}" --preload-mirror="$MK_TEST_NO_PRELOAD_MIRROR")
sysctls_before=$(host_sysctls)

note "start $a"
t0=$(date +%s)
run_mk start start -p $a "${start_flags[@]}"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "start failed ($start_rc): $start_err"
echo "start took $(($(date +%s) - t0)) s"
assert_contains "$start_out" "Bootstrapping the control plane (kubeadm init)"
assert_contains "$start_err$start_out" "CoreDNS image"

note "right after the start returns: the default ServiceAccount exists and a bare pod is accepted at the first try"
kubectl get serviceaccount default >/dev/null || fail "no default ServiceAccount right after the start"
kubectl run pause --image="$MK_TEST_IMAGE_REPOSITORY/pause:3.2" --restart=Never >/dev/null ||
  fail "a pod was refused right after the start"

note "the node is Ready (host kubectl $MK_TEST_KUBECTL, merged kubeconfig)"
assert_eq "$(kubectl config current-context)" $a
kubectl get nodes -o wide
assert_eq "$(kubectl get node $a -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True
assert_contains "$(mk kubectl -p $a -- version --short 2>/dev/null || mk kubectl -p $a -- version)" "$MK_TEST_K8S_VERSION"
assert_contains "$(mk kubectl -p $a -- get nodes)" "Ready"

note "the pod reaches Running"
kubectl wait --for=condition=Ready pod/pause --timeout=180s >/dev/null || { kubectl describe pod pause; fail "pod not Ready"; }
assert_eq "$(kubectl get pod pause -o jsonpath='{.status.phase}')" Running

note "StorageClass standard is the default; the storage provisioner's objects exist"
assert_eq "$(kubectl get storageclass standard -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}')" true
kubectl -n kube-system get serviceaccount storage-provisioner >/dev/null || fail "storage-provisioner objects missing"
kubectl -n kube-system get pod storage-provisioner -o jsonpath='{.spec.containers[0].image}' | grep -q "^$MK_TEST_IMAGE_REPOSITORY/k8s-minikube/storage-provisioner:" ||
  fail "the storage provisioner's image does not come from the image repository"

note "status"
run_mk st status -p $a
assert_eq "$st_rc" 0 "status exit code: $st_out"
assert_eq "$st_out" "$(printf '%s\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured' $a)"

note "the certificate served on 127.0.0.1 verifies against mk's CA and has the SANs"
port=$($engine port $a 8443/tcp | sed 's/.*://')
ip=$(mk ip -p $a)
served=$MK_HOME/served.crt
openssl s_client -connect 127.0.0.1:$port -servername localhost </dev/null 2>/dev/null | openssl x509 >"$served"
assert_eq "$(openssl verify -CAfile "$MK_HOME/ca.crt" "$served")" "$served: OK"
sans=$(openssl x509 -in "$served" -noout -ext subjectAltName)
for san in "IP Address:127.0.0.1" "IP Address:10.96.0.1" "IP Address:$ip" "IP Address:10.0.0.1" "DNS:localhost" \
  "DNS:control-plane.mk.internal" "DNS:kubernetes.default.svc.cluster.local" "DNS:kubernetes" "DNS:$a"; do
  assert_contains "$sans" "$san" "served certificate SANs"
done
client=$(kubectl config view --raw -o jsonpath="{.users[?(@.name==\"$a\")].user.client-certificate}")
assert_eq "$(openssl verify -CAfile "$MK_HOME/ca.crt" "$client")" "$client: OK"
assert_contains "$(openssl x509 -in "$client" -noout -subject)" "O = system:masters"
assert_eq "$(stat -c %a "$MK_HOME/ca.key")" 600 "CA key mode"
assert_eq "$(stat -c %a "$KUBECONFIG")" 600 "kubeconfig mode"

note "foreign kubeconfig entries are kept"
assert_eq "$(kubectl config view -o jsonpath='{.clusters[?(@.name=="foreign")].cluster.server}')" "https://foreign.example:6443"
assert_eq "$(kubectl config view -o jsonpath='{.contexts[?(@.name=="foreign")].context.namespace}')" team

note "the host's kernel settings are unchanged"
assert_eq "$(host_sysctls)" "$sysctls_before" "host sysctls changed"

note "stop, status, start again"
mk stop -p $a >/dev/null
exit_code=$($engine inspect $a --format '{{.State.ExitCode}}')
[ "$exit_code" != 137 ] || fail "the node was killed on stop instead of shutting down (exit 137)"
run_mk st status -p $a
[ "$st_rc" != 0 ] || fail "status of a stopped cluster exits 0"
assert_eq "$st_rc" 7 "status exit code of a stopped cluster"
t0=$(date +%s)
run_mk start start -p $a
[ "$start_rc" = 0 ] || fail "restart failed ($start_rc): $start_err"
echo "restart took $(($(date +%s) - t0)) s"
assert_contains "$start_out" "Starting the control plane"
# nothing changed: no file written, nothing reconfigured, no node check beyond the boot's (issue 8)
assert_not_contains "$start_out" "Reconfiguring"
run_mk st status -p $a
assert_eq "$st_rc" 0 "status after restart: $st_out"
assert_eq "$(kubectl get node $a -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True

note "a second profile beside the first"
run_mk start start -p $b "${start_flags[@]}" --keep-context
[ "$start_rc" = 0 ] || fail "start of $b failed ($start_rc): $start_err"
assert_eq "$(kubectl config current-context)" $a "--keep-context keeps the current context"
assert_eq "$(kubectl --context $b get node $b -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True
mk delete -p $b >/dev/null
assert_eq "$(objects_of $b)" "" "objects of $b left"
assert_eq "$(kubectl config view -o jsonpath="{.clusters[?(@.name==\"$b\")].name}")" "" "kubeconfig entry of $b left"
run_mk st status -p $a
assert_eq "$st_rc" 0 "$a is healthy after deleting $b: $st_out"
kubectl get pod pause >/dev/null || fail "$a lost its pod"

note "delete"
mk delete -p $a >/dev/null
assert_eq "$(objects_of $a)" "" "objects of $a left"
assert_eq "$(kubectl config view -o jsonpath='{.clusters[*].name}')" foreign "only the foreign cluster is left"
assert_eq "$(kubectl config view -o jsonpath='{.users[*].name}')" foreign-user
assert_eq "$(kubectl config view -o jsonpath='{.contexts[*].name}')" foreign
echo PASS
