#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# An existing cluster is never lost: kill -9 during kubeadm init and a start again (the leftover kubeadm is
# stopped first); an interrupted restart keeps everything; a profile in the old format (no schema, no marker in the
# node) over a running cluster keeps its etcd data; a restart over a changed node configuration reconfigures the
# control plane; a removed container comes back from its volume. One cluster
# carries all the checks; a ConfigMap made early proves the data survives.
source "$(dirname "$0")/lib.sh"
require_release
p=it-recover; use_profile $p
flags=("${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR")
kubectl() { "$MK_TEST_KUBECTL" --context $p "$@"; }
kubeadm_init_runs() { docker exec $p pgrep -f "kubeadm init" >/dev/null; }
kubelet_runs() { docker exec $p pgrep -x kubelet >/dev/null; }
configmap_kept() { assert_eq "$(kubectl get configmap it-keep -o jsonpath='{.data.k}')" v "the ConfigMap made before $1"; }
node_ready() {
  assert_eq "$(kubectl get node $p -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True "node Ready $1"
}
start_ok() {
  run_mk s start -p $p "$@"
  assert_eq "$s_rc" 0 "mk start: $s_err"
}

note "kill -9 of mk during kubeadm init, then mk start: the leftover kubeadm is stopped, the cluster comes up"
start_mk_bg start -p $p "${flags[@]}"
wait_until "kubeadm init runs" kubeadm_init_runs
kill -9 "$MK_BG_PID"
wait_mk_bg
docker exec $p pgrep -f "kubeadm init" >/dev/null || fail "kubeadm init did not outlive the killed mk (nothing to test)"
start_ok "${flags[@]}"
assert_contains "$s_out" "Stopped what an interrupted mk left running in node $p"
assert_contains "$s_out$s_err" "never finished bootstrapping Kubernetes"
node_ready "after the start that followed kill -9"
kubectl create configmap it-keep --from-literal=k=v >/dev/null

note "SIGINT during a restart (waiting for the API server): everything stays, the next start brings it back"
mk stop -p $p >/dev/null
start_mk_bg start -p $p
wait_until "the kubelet runs again" kubelet_runs
kill -INT "$MK_BG_PID"
wait_mk_bg
assert_eq "$MK_BG_RC" 130 "exit code of an interrupted restart: $(cat "$MK_BG_ERR")"
docker container inspect $p >/dev/null || fail "the interrupted restart removed the container"
docker volume inspect $p >/dev/null || fail "the interrupted restart removed the volume"
[ -e "$MK_HOME/profiles/$p/config.json" ] || fail "the interrupted restart removed the profile"
start_ok
node_ready "after the interrupted restart"
configmap_kept "the interrupted restart"

note "a profile in the old format (no schema, no marker in the node) over the running cluster keeps it"
config=$MK_HOME/profiles/$p/config.json
python3 - "$config" <<'PY'
import json, sys
path = sys.argv[1]
profile = json.load(open(path))
profile.pop("schema_version", None)
profile["kubernetes"]["initialized"] = False
json.dump(profile, open(path, "w"), indent=2)
PY
docker exec $p rm -f /var/lib/mk/control-plane-initialized
start_ok
assert_contains "$s_out" "Confirming the control plane of an older profile"
assert_not_contains "$s_out$s_err" "never finished bootstrapping"
configmap_kept "the start of the old profile"
assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["schema_version"])' "$config")" 2 "schema after the start"
docker exec $p test -f /var/lib/mk/control-plane-initialized || fail "the marker was not written for the old profile"

note "a restart whose node configuration changed reconfigures the control plane from it"
# what a cluster made by another mk (other kubelet settings) looks like: its kubeadm config and kubelet differ
kubelet_config() { docker exec $p cat /var/lib/kubelet/config.yaml; }
docker exec $p sed -i 's/^nodeStatusUpdateFrequency: .*/nodeStatusUpdateFrequency: 7s/' /var/tmp/minikube/kubeadm.yaml
docker exec $p env PATH="/var/lib/minikube/binaries/$MK_TEST_K8S_VERSION:/usr/sbin:/usr/bin:/sbin:/bin" \
  kubeadm init phase kubelet-start --config /var/tmp/minikube/kubeadm.yaml >/dev/null
assert_contains "$(kubelet_config)" "nodeStatusUpdateFrequency: 7s"
mk stop -p $p >/dev/null
start_ok
assert_contains "$s_out" "Reconfiguring the control plane (its configuration changed)"
assert_contains "$(kubelet_config)" "nodeStatusUpdateFrequency: 1s"
node_ready "after the reconfiguring restart"
configmap_kept "the reconfiguring restart"

note "docker rm -f of the stopped cluster's container, then mk start: the cluster comes back from its volume"
mk stop -p $p >/dev/null
docker rm -f $p >/dev/null
start_ok --wait=all
node_ready "after its container was recreated"
# --wait=all: the control plane's pods and kube-proxy already run when mk returns
for component in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  assert_eq "$(kubectl -n kube-system get pods -l component=$component -o jsonpath='{.items[0].status.phase}')" Running \
    "$component right after --wait=all"
done
assert_eq "$(kubectl -n kube-system get pods -l k8s-app=kube-proxy -o jsonpath='{.items[0].status.phase}')" Running \
  "kube-proxy right after --wait=all"
configmap_kept "the container was removed"

note "mk delete leaves nothing"
mk delete -p $p >/dev/null
assert_eq "$(objects_of $p)" "" "objects left after delete"
[ ! -e "$MK_HOME/profiles/$p" ] || fail "profile left after delete"
echo PASS
