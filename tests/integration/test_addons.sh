#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Addons and the day-2 commands on one cluster from the local release.
# - registry runs for real (its image is in the local release): a host push to the node's published port 5000, a
#   pod pulling through localhost:5000, re-applied by a restart, disabled.
# - metrics-server, dashboard and ingress have no image in the local release: verified up to the image pull (objects
#   applied, every image reference in the configured repository, the pulls of exactly those references in the
#   registry's log, the --wait timeout naming the pod and its pull failure, disable removing every object);
#   `mk dashboard --url` serves a proxy URL that answers HTTP (the dashboard itself cannot run offline).
# - mk image load|ls|rm of an image built on the host, mk service --url, mk logs, mk cp, the --addons/--dry-run plan
#   for --image-mirror-country=cn, a paused cluster refusing addon changes, a stopped one recording them.
source "$(dirname "$0")/lib.sh"
require_release
[ -n "${MK_TEST_HOST_BUSYBOX_IMAGE:-}" ] || fail "MK_TEST_HOST_BUSYBOX_IMAGE is not set (scripts/testenv/up.sh)"
docker image inspect "$MK_TEST_HOST_BUSYBOX_IMAGE" >/dev/null 2>&1 || fail "$MK_TEST_HOST_BUSYBOX_IMAGE is not in the engine"
p=it-addons; use_profile $p
kubectl() { "$MK_TEST_KUBECTL" --context $p "$@"; }
repo=$MK_TEST_IMAGE_REPOSITORY
# poll COMMAND... until it succeeds (bounded: 2 minutes)
eventually() {
  local what=$1
  shift
  for _ in $(seq 240); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$what did not happen within 2 minutes"
}
pod_running() { [ "$(kubectl get pod "$@" -o jsonpath='{.status.phase}')" = Running ]; }

note "addon names are checked before anything happens"
run_mk bad start -p $p "${release_flags[@]}" --addons=registry,registy
assert_eq "$bad_rc" 14 "an unknown addon in --addons"
assert_contains "$bad_err" "metrics-server"
assert_eq "$(objects_of $p)" "" "a refused start created objects"

note "--image-mirror-country=cn: every addon image is an Aliyun reference without an upstream digest"
run_mk cn start -p it-addons-cn --image-mirror-country=cn --kubernetes-version=v1.23.3 --dry-run \
  --addons=registry,metrics-server,dashboard,ingress
assert_eq "$cn_rc" 0 "dry-run: $cn_err"
addon_images=$(echo "$cn_out" | grep '^addon image: ' | sed 's/^addon image: //')
echo "$addon_images"
assert_eq "$(echo "$addon_images" | wc -l)" 6 "storage-provisioner, registry, metrics-server, 2 dashboard, ingress"
assert_eq "$(echo "$addon_images" | grep -vc '^registry.cn-hangzhou.aliyuncs.com/google_containers/[^/]*$')" 0
assert_not_contains "$addon_images" "@sha256:" "a rewritten reference keeps the upstream digest"
assert_contains "$addon_images" "google_containers/nginx-ingress-controller:v1.15.1" "minikube's Aliyun name"

note "start with --addons=registry: the registry addon runs for real"
run_mk start start -p $p "${release_flags[@]}" --addons=registry
echo "$start_out"
assert_eq "$start_rc" 0 "start: $start_err"
assert_contains "$start_out" "Enabling addons: default-storageclass, registry, storage-provisioner"
run_mk wait addons enable registry -p $p --wait --wait-timeout=2m
assert_eq "$wait_rc" 0 "the registry's pod is Ready: $wait_err"
list=$(mk addons list -p $p -o json)
assert_eq "$(echo "$list" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["registry"]["Status"], d["dashboard"]["Status"])')" \
  "enabled disabled"
assert_contains "$(mk addons images registry -p $p)" "$repo/registry:3.1.1"

note "push from the host to the node's published registry port; a pod pulls it through localhost:5000"
port=$(docker port $p 5000/tcp | head -n 1 | sed 's/.*://')
[ -n "$port" ] || fail "node port 5000 is not published"
assert_eq "$(curl -fsS -m 5 http://127.0.0.1:$port/v2/)" "{}" "the registry answers on the published port"
pushed=127.0.0.1:$port/mk-it/pushed:1
docker tag "$MK_TEST_HOST_BUSYBOX_IMAGE" $pushed
at_exit "docker rmi $pushed"
docker push -q $pushed >/dev/null || fail "cannot push to the registry addon"
docker rmi $pushed >/dev/null
kubectl run pulled --image=localhost:5000/mk-it/pushed:1 --restart=Never -- sleep 3600 >/dev/null
eventually "the pod pulling from the in-cluster registry running" pod_running pulled

note "mk image load of an image built on the host (in no registry), ls, rm"
hostbuilt=mk-it-hostbuilt:1
docker tag "$MK_TEST_HOST_BUSYBOX_IMAGE" $hostbuilt
at_exit "docker rmi $hostbuilt"
run_mk load image load $hostbuilt -p $p
assert_eq "$load_rc" 0 "image load: $load_err"
assert_contains "$load_out" "Loaded $hostbuilt into 1 node"
kubectl run hostbuilt --image=$hostbuilt --image-pull-policy=Never --restart=Never -- sleep 3600 >/dev/null
eventually "the pod of the loaded image running" pod_running hostbuilt
assert_contains "$(mk image ls -p $p)" "docker.io/library/$hostbuilt"
docker save $hostbuilt -o "$MK_HOME/image.tar"
docker tag $hostbuilt mk-it-hostbuilt:2
at_exit "docker rmi mk-it-hostbuilt:2"
docker save mk-it-hostbuilt:2 -o "$MK_HOME/image2.tar"
run_mk tarload image load "$MK_HOME/image2.tar" -p $p
assert_eq "$tarload_rc" 0 "image load of a tar file: $tarload_err"
assert_contains "$(mk image ls -p $p)" "docker.io/library/mk-it-hostbuilt:2"
mk image rm mk-it-hostbuilt:2 -p $p >/dev/null
assert_not_contains "$(mk image ls -p $p)" "mk-it-hostbuilt:2" "image rm"
run_mk rm image rm mk-it-hostbuilt:2 -p $p
assert_eq "$rm_rc" 85 "removing an image no node has"
run_mk none image load mk-it-no-such-image:1 -p $p
assert_eq "$none_rc" 85 "loading an image the engine does not have"

note "mk service --url of a NodePort Service"
kubectl create deployment web --image="$MK_TEST_BUSYBOX_IMAGE" -- \
  sh -c 'echo hello-from-web >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
kubectl expose deployment web --type=NodePort --port=80 --target-port=8080 >/dev/null
kubectl create service clusterip plain --tcp=80:80 >/dev/null
url=$(mk service web --url -p $p)
echo "$url"
[[ "$url" =~ ^http://[0-9.]+:[0-9]+$ ]] || fail "not one URL: $url"
page() { [ "$(curl -fsS -m 5 "$url")" = hello-from-web ]; }
eventually "the page at $url" page
run_mk plain service plain -p $p
assert_eq "$plain_rc" 14 "a Service without a NodePort"
assert_contains "$plain_err" "has no NodePort"
run_mk missing service nope -p $p
assert_eq "$missing_rc" 85 "an unknown Service"
assert_contains "$(mk service list -p $p)" "$url"

note "mk logs: the kubelet's journal and the API server's log"
logs=$(mk logs -p $p --length 20)
assert_contains "$logs" "==> kubelet <=="
assert_contains "$logs" "kubelet["
assert_contains "$logs" "==> kube-apiserver ["
assert_contains "$logs" "==> Last start"
[ "$(echo "$logs" | sed -n '/==> kube-apiserver/,/==>/p' | wc -l)" -gt 3 ] || fail "no API server log lines"
mk logs -p $p --problems --file "$MK_HOME/problems.txt" >/dev/null
assert_contains "$(cat "$MK_HOME/problems.txt")" "==> kubelet <=="

note "mk cp both ways"
echo "copied-by-mk $RANDOM" >"$MK_HOME/to-node.txt"
mk cp "$MK_HOME/to-node.txt" /tmp/from-host.txt -p $p
assert_eq "$(mk ssh -p $p -- cat /tmp/from-host.txt)" "$(cat "$MK_HOME/to-node.txt")"
mk cp $p:/etc/hostname "$MK_HOME/hostname" -p $p
assert_eq "$(cat "$MK_HOME/hostname")" $p

note "metrics-server, dashboard, ingress: objects and image references, the pulls in the registry's log"
mark=$(log_mark "$MK_TEST_REGISTRY_LOG")
declare -A expected=(
  [metrics-server]="$repo/metrics-server/metrics-server:v0.9.0"
  [dashboard]="$repo/mk-it/custom-dashboard:9 $repo/kubernetesui/metrics-scraper:v1.0.8"
  [ingress]="$repo/ingress-nginx/controller:v1.15.1"
)
custom=(--images=Dashboard=$repo/mk-it/custom-dashboard:9) # a custom image for one role, kept in the profile
for addon in metrics-server dashboard ingress; do
  run_mk enable addons enable $addon -p $p $([ $addon = dashboard ] && echo "${custom[@]}")
  assert_eq "$enable_rc" 0 "enable $addon: $enable_err"
  images=$(kubectl get deployments -A -l mk.addon=$addon -o jsonpath='{.items[*].spec.template.spec.containers[*].image}' |
    tr ' ' '\n' | sort | tr '\n' ' ')
  assert_eq "$images" "$(echo ${expected[$addon]} | tr ' ' '\n' | sort | tr '\n' ' ')" "the image references of $addon"
done
for reference in ${expected[metrics-server]} ${expected[dashboard]} ${expected[ingress]}; do
  path=${reference#"$MK_TEST_REGISTRY"/}
  request="/v2/${path%:*}/manifests/${path##*:}"
  pulled() { log_since "$MK_TEST_REGISTRY_LOG" "$mark" | grep -qF "$request"; }
  eventually "the pull of $reference in the registry's log" pulled
done
assert_contains "$(mk addons images dashboard -p $p)" "$repo/mk-it/custom-dashboard:9"
run_mk timeout addons enable metrics-server -p $p --wait --wait-timeout=15s
assert_eq "$timeout_rc" 91 "a --wait that runs out"
assert_contains "$timeout_err" "pod kube-system/metrics-server-"
assert_contains "$timeout_err" "${expected[metrics-server]}"

note "mk dashboard --url: the proxy answers on 127.0.0.1"
start_mk_bg dashboard --url -p $p
dashboard_url() { grep -q '^http://127.0.0.1:' "$MK_BG_OUT"; }
wait_until "the dashboard URL" dashboard_url
url=$(head -n 1 "$MK_BG_OUT")
assert_contains "$url" "/api/v1/namespaces/kubernetes-dashboard/services/http:kubernetes-dashboard:/proxy/"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url")
[[ "$code" =~ ^[2-5][0-9][0-9]$ ]] || fail "the proxy did not answer HTTP: $code"
stop_mk_bg
pgrep -f "kubectl --context $p proxy" >/dev/null && fail "the proxy outlived mk dashboard"

note "disable leaves none of their objects"
kinds=deployments,services,serviceaccounts,configmaps,secrets,roles,rolebindings,clusterroles,clusterrolebindings,apiservices,ingressclasses,namespaces
for addon in metrics-server dashboard ingress; do
  mk addons disable $addon -p $p >/dev/null
done
gone() { [ -z "$(kubectl get $kinds,pods -A -l 'mk.addon in (metrics-server,dashboard,ingress)' -o name)" ] &&
  ! kubectl get namespace kubernetes-dashboard ingress-nginx >/dev/null 2>&1; }
eventually "every object of the disabled addons gone" gone

note "a paused cluster refuses addon changes"
mk pause -p $p >/dev/null
run_mk paused addons enable dashboard -p $p
assert_eq "$paused_rc" 11 "enable on a paused cluster"
mk unpause -p $p >/dev/null
assert_eq "$(mk addons list -p $p -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["dashboard"]["Status"])')" disabled

note "a stopped cluster records the choice; the start applies it and re-applies the registry"
kubectl -n kube-system delete service registry >/dev/null
mk stop -p $p >/dev/null
run_mk recorded addons enable ingress -p $p
assert_eq "$recorded_rc" 0
assert_contains "$recorded_out" "will be enabled when cluster $p starts"
run_mk restart start -p $p
assert_eq "$restart_rc" 0 "restart: $restart_err"
assert_contains "$restart_out" "Enabling addons: default-storageclass, ingress, registry, storage-provisioner"
kubectl -n kube-system get service registry >/dev/null || fail "the registry Service was not re-applied"
kubectl -n ingress-nginx get deployment ingress-nginx-controller >/dev/null || fail "ingress was not applied at start"
registry_ready() { [ "$(curl -fsS -m 5 http://127.0.0.1:$(docker port $p 5000/tcp | head -n 1 | sed 's/.*://')/v2/)" = "{}" ]; }
eventually "the registry answering after the restart" registry_ready

note "disable registry"
mk addons disable registry -p $p >/dev/null
registry_gone() { [ -z "$(kubectl -n kube-system get deployments,services,pods -l mk.addon=registry -o name)" ]; }
eventually "every registry object gone" registry_gone
mk addons disable ingress -p $p >/dev/null
mk delete -p $p >/dev/null
assert_eq "$(objects_of $p)" "" "objects left after delete"
