#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A multi-node cluster from the local release (preload), one cluster for every check: `mk start --nodes=2`, pods on
# both nodes reaching each other by their own addresses (no NAT inside the cluster CIDR) and through a ClusterIP
# Service, `mk node add` / `mk node delete`, an interrupted `mk node add`, whole-cluster stop/start, one node's
# stop/start, pause/unpause, and the delete of a paused cluster. "Ready again" is a Ready heartbeat sent after the
# command began (a Node keeps its old Ready status for a while after its kubelet stops).
source "$(dirname "$0")/lib.sh"
require_release
[ -n "${MK_TEST_BUSYBOX_IMAGE:-}" ] || fail "MK_TEST_BUSYBOX_IMAGE is not set (scripts/testenv/up.sh)"
p=it-multi; use_profile $p
kubectl() { "$MK_TEST_KUBECTL" --context $p "$@"; }
start_flags=(--driver=docker "${release_flags[@]}" --preload-mirror="$MK_TEST_PRELOAD_MIRROR")

# ready_since NODE EPOCH: the Node is Ready in a heartbeat sent at EPOCH or later
ready_since() {
  local status heartbeat
  status=$(kubectl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) || return 1
  heartbeat=$(kubectl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}')
  [ "$status" = True ] && [ "$(date -d "$heartbeat" +%s)" -ge "$2" ]
}
# wait_ready_since NODE EPOCH: polls up to 2 minutes
wait_ready_since() {
  for _ in $(seq 240); do ready_since "$1" "$2" && return 0; sleep 0.5; done
  kubectl get node "$1" -o yaml >&2 || true
  fail "node $1 is not Ready in a heartbeat since $(date -d @"$2")"
}
# pod_on NAME NODE COMMAND: a pod of the test image pinned to NODE
pod_on() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: $1}}
spec:
  nodeName: $2
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $MK_TEST_BUSYBOX_IMAGE
    command: ["sh", "-c", "$3"]
YAML
}
# an HTTP server whose /cgi-bin/ip answers the client's address as it sees it
server_command="mkdir -p /www/cgi-bin && printf '#!/bin/sh\\\\necho Content-Type: text/plain\\\\necho\\\\necho \$REMOTE_ADDR\\\\n' >/www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www"
# wait_pods_since EPOCH POD...: each pod's container (re)started at EPOCH or later, runs, is Ready and has an
# address (after a node restart a pod first shows its old status, then gets a new sandbox and address)
wait_pods_since() {
  local since=$1 pod ready started ip
  shift
  for pod in "$@"; do
    for _ in $(seq 240); do
      ready=$(kubectl get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
      started=$(kubectl get pod "$pod" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')
      ip=$(pod_ip "$pod")
      [ "$ready" = True ] && [ -n "$ip" ] && [ -n "$started" ] && [ "$(date -d "$started" +%s)" -ge "$since" ] &&
        continue 2
      sleep 0.5
    done
    kubectl get pods -o wide
    fail "pod $pod did not run again since $(date -d @"$since")"
  done
}
wait_pods() { kubectl wait --for=condition=Ready "${@/#/pod/}" --timeout=120s >/dev/null || { kubectl get pods -o wide; fail "pods $* not Ready"; }; }
pod_ip() { kubectl get pod "$1" -o jsonpath='{.status.podIP}'; }
# fetch FROM_POD URL: the body, bounded (this busybox's wget crashes on -T)
fetch() { kubectl exec "$1" -- timeout 10 wget -q -O - "$2"; }
# check_traffic CLIENT SERVER: ping and HTTP from CLIENT to SERVER's pod IP; the server sees CLIENT's own IP
check_traffic() {
  local server_ip client_ip seen
  server_ip=$(pod_ip "$2"); client_ip=$(pod_ip "$1")
  # a sandbox made a moment ago may take a second to be wired up: three tries
  for try in 1 2 3; do
    kubectl exec "$1" -- ping -c 2 -W 3 "$server_ip" >/dev/null && break
    [ $try = 3 ] && fail "pod $1 cannot ping pod $2 ($server_ip)"
    sleep 2
  done
  seen=$(fetch "$1" "http://$server_ip:8080/cgi-bin/ip") || fail "pod $1 gets no HTTP answer from pod $2 ($server_ip)"
  assert_contains "$seen" "$client_ip" "pod $2 must see pod $1's own address (no NAT inside the cluster)"
}

note "mk start --nodes=2"
t0=$(date +%s)
run_mk start start -p $p --nodes=2 "${start_flags[@]}"
echo "$start_out"
[ "$start_rc" = 0 ] || fail "start --nodes=2 failed ($start_rc): $start_err"
echo "start --nodes=2 took $(($(date +%s) - t0)) s"
assert_contains "$start_out" "Joining node $p-m02 to the cluster (kubeadm join)"
assert_contains "$start_out" "Node $p-m02 was created, booted and configured beside the control plane"
wait_ready_since $p "$t0"
wait_ready_since $p-m02 "$t0"
nodes=$(mk node list -p $p)
echo "$nodes"
assert_eq "$(echo "$nodes" | wc -l)" 2 "mk node list prints both nodes"
ip1=$(mk ip -p $p -n $p); ip2=$(mk ip -p $p -n $p-m02)
[ -n "$ip1" ] && [ -n "$ip2" ] && [ "$ip1" != "$ip2" ] || fail "the nodes need distinct IPs: '$ip1' '$ip2'"
assert_eq "$(kubectl get node $p-m02 -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')" "$ip2"
assert_eq "$(mk ssh -p $p -n $p-m02 -- hostname | tr -d '\r')" $p-m02
run_mk status status -p $p
echo "$status_out"
assert_eq "$status_rc" 0 "status of the 2-node cluster"
assert_contains "$status_out" "$p-m02"
assert_contains "$status_out" "type: Worker"

note "pods pinned to each node reach each other by their own addresses, and through a ClusterIP Service"
pod_on server $p-m02 "$server_command"
pod_on client $p "sleep 3600"
wait_pods server client
kubectl get pods -o wide
check_traffic client server
kubectl expose pod server --name web --port 80 --target-port 8080 >/dev/null
service_ip=$(kubectl get service web -o jsonpath='{.spec.clusterIP}')
seen=$(fetch client "http://$service_ip/cgi-bin/ip") || fail "the Service $service_ip does not answer pod client"
assert_contains "$seen" "$(pod_ip client)" "through the Service"

note "mk node add: a third node, Ready, whose pods reach the others"
t0=$(date +%s)
run_mk add node add -p $p
echo "$add_out"
[ "$add_rc" = 0 ] || fail "node add failed ($add_rc): $add_err"
echo "node add took $(($(date +%s) - t0)) s"
assert_contains "$add_out" "$p-m03"
wait_ready_since $p-m03 "$t0"
pod_on third $p-m03 "$server_command"
wait_pods third
check_traffic third server
check_traffic client third

note "mk node delete $p-m03: its Node, container and volume go; the others stay Ready"
run_mk delete node delete -p $p $p-m03
[ "$delete_rc" = 0 ] || fail "node delete failed ($delete_rc): $delete_err"
kubectl get node $p-m03 >/dev/null 2>&1 && fail "the Node object $p-m03 is still there"
objects=$(objects_of $p)
assert_not_contains "$objects" "$p-m03" "container and volume of $p-m03"
assert_eq "$(mk node list -p $p | wc -l)" 2
for node in $p $p-m02; do
  assert_eq "$(kubectl get node $node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" True
done
check_traffic client server
run_mk primary node delete -p $p $p
assert_eq "$primary_rc" 14 "deleting the primary node"
assert_contains "$primary_err" "mk delete"
run_mk unknown node delete -p $p $p-m42
assert_eq "$unknown_rc" 85 "deleting an unknown node"
run_mk nodes start -p $p --nodes=3 "${start_flags[@]}"
assert_eq "$nodes_rc" 14 "--nodes that differs from the existing cluster"
assert_contains "$nodes_err" "mk node add"

note "kill -INT of mk node add while the new node joins"
start_mk_bg node add -p $p
wait_until "kubeadm join runs in $p-m04" docker exec $p-m04 pgrep -f "kubeadm join"
kill -INT "$MK_BG_PID"
wait_mk_bg
cat "$MK_BG_OUT" "$MK_BG_ERR"
assert_eq "$MK_BG_RC" 130 "an interrupted node add"
assert_not_contains "$(objects_of $p)" "$p-m04" "what the interrupted node add made"
kubectl get node $p-m04 >/dev/null 2>&1 && fail "the Node object of the interrupted node add is left"
assert_eq "$(mk node list -p $p | cut -f1 | tr '\n' ' ')" "$p $p-m02 " "the profile lists the old nodes only"
run_mk status status -p $p
assert_eq "$status_rc" 0 "the cluster stays healthy: $status_out"

note "mk stop, then mk start: both Ready again and traffic crosses nodes again"
run_mk stop stop -p $p
[ "$stop_rc" = 0 ] || fail "stop failed ($stop_rc): $stop_err"
assert_contains "$stop_out" "2 nodes stopped"
t0=$(date +%s)
run_mk start start -p $p "${start_flags[@]}"
[ "$start_rc" = 0 ] || fail "restart failed ($start_rc): $start_err $start_out"
echo "restart took $(($(date +%s) - t0)) s"
assert_contains "$start_out" "Node $p-m02 was started, booted and configured beside the other workers"
wait_ready_since $p "$t0"
wait_ready_since $p-m02 "$t0"
wait_pods_since "$t0" server client
check_traffic client server

note "mk node stop $p-m02: Stopped with the exit bit; mk node start $p-m02: Ready again"
run_mk nstop node stop -p $p $p-m02
[ "$nstop_rc" = 0 ] || fail "node stop failed ($nstop_rc): $nstop_err"
run_mk status status -p $p
echo "$status_out"
[ $((status_rc & 1)) = 1 ] || fail "status must set bit 1 for a stopped node, got $status_rc"
assert_contains "$(mk status -p $p -n $p-m02 || true)" "host: Stopped"
t0=$(date +%s)
run_mk nstart node start -p $p $p-m02
[ "$nstart_rc" = 0 ] || fail "node start failed ($nstart_rc): $nstart_err"
wait_ready_since $p-m02 "$t0"
wait_pods_since "$t0" server
check_traffic client server

note "pause and unpause the 2-node cluster"
run_mk pause pause -p $p
echo "$pause_out"
[ "$pause_rc" = 0 ] || fail "pause failed ($pause_rc): $pause_err"
run_mk status status -p $p
echo "$status_out"
assert_contains "$status_out" "apiserver: Paused"
assert_contains "$status_out" "kubelet: Stopped"
[ $((status_rc & 2)) = 2 ] || fail "status must set bit 2 while paused, got $status_rc"
kubectl get nodes --request-timeout=3s >/dev/null 2>&1 && fail "the API server answers while paused"
run_mk unpause unpause -p $p
[ "$unpause_rc" = 0 ] || fail "unpause failed ($unpause_rc): $unpause_err"
run_mk status status -p $p
assert_eq "$status_rc" 0 "status after unpause: $status_out"
kubectl get pod server client >/dev/null || fail "the pods are gone after unpause"

note "mk start of a paused cluster unpauses it; mk delete of a paused cluster leaves nothing"
mk pause -p $p >/dev/null
run_mk start start -p $p "${start_flags[@]}"
[ "$start_rc" = 0 ] || fail "start of a paused cluster failed ($start_rc): $start_err"
assert_contains "$start_out" "paused: unpausing it"
assert_eq "$(mk status -p $p >/dev/null; echo $?)" 0
mk pause -p $p >/dev/null
run_mk delete delete -p $p
[ "$delete_rc" = 0 ] || fail "delete of a paused cluster failed ($delete_rc): $delete_err"
assert_eq "$(objects_of $p)" "" "engine objects left by the delete"
[ -e "$MK_HOME/profiles/$p" ] && fail "the profile is left"
echo "PASS"
