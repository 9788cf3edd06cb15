#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# start -> status -> ssh -> node list -> stop -> status -> start -> delete, without Kubernetes, on the engine
# MK_TEST_ENGINE names (docker by default; podman: the node image reaches it from docker as a user's local image
# would, the host's cgroup roots stay as they were, and a failing engine preflight creates nothing).
source "$(dirname "$0")/lib.sh"
p=it-life${MK_TEST_ENGINE:+-$MK_TEST_ENGINE}; use_profile $p
sysctls_before=$(host_sysctls)
cgroup_roots() { for d in /sys/fs/cgroup/*/; do echo "$d: $(ls "$d" | tr '\n' ' ')"; done; }
if [ "$engine" = podman ]; then
  # the local release's pause image, under a tag of this test: a tiny image without /bin/true
  pause=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -m1 '/google_containers/pause:') ||
    fail "no pause image in docker (scripts/testenv/up.sh)"
  docker tag "$pause" mk-test/pause:1
  at_exit "docker rmi mk-test/pause:1; podman rmi -f localhost/mk-test/pause:1"
  docker save mk-test/pause:1 | podman load -q >/dev/null

  note "podman: a throwaway container first (podman makes its own libpod_parent), then the host's cgroup roots"
  podman run -d --name it-throwaway --network=none --systemd=false --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 localhost/mk-test/pause:1 >/dev/null
  podman rm -f -t 0 it-throwaway >/dev/null
  cgroup_roots_before=$(cgroup_roots)

  note "podman: a failing engine preflight (an image without /bin/true) creates nothing"
  run_mk pf start -p it-preflight --driver=podman --no-kubernetes --base-image=mk-test/pause:1
  assert_eq "$pf_rc" 51 "exit code of a failed preflight: $pf_err"
  assert_contains "$pf_err" "podman cannot run a node container on this host"
  assert_contains "$pf_err" "nothing was created"
  assert_eq "$(objects_of it-preflight)" "" "objects after a failed preflight"
  [ ! -e "$MK_HOME/profiles/it-preflight" ] || fail "a failed preflight left a profile"

  note "podman: rootless (mk as an unprivileged user) is refused with exit 50 and creates nothing"
  nobody_home=$(mktemp -d /tmp/mk-it-nobody.XXXXXX)
  at_exit "rm -rf $nobody_home"
  chown 65534:65534 "$nobody_home"
  rc=0
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$nobody_home" MK_HOME="$nobody_home/mk" \
    "$MK_BIN" start -p it-rootless --driver=podman --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" 2>&1) || rc=$?
  assert_eq "$rc" 50 "exit code of a rootless podman start: $out"
  assert_contains "$out" "rootless podman is not supported"
  assert_eq "$(objects_of it-rootless)" "" "objects after a rootless start"
  [ ! -e "$nobody_home/mk/profiles/it-rootless" ] || fail "a rootless start left a profile"
fi

note "start"
run_mk start start -p $p --driver=$engine --no-kubernetes --base-image="$MK_TEST_BASE_IMAGE" --cpus=2 --memory=2g
[ "$start_rc" = 0 ] || fail "start failed ($start_rc): $start_err"
assert_contains "$start_out" "mk start on the $engine driver"
assert_contains "$start_out" "Creating node $p (CPUs=2, Memory=2048MB)"
assert_contains "$start_out" "Waiting for node $p to boot"
cgroupns_field=$([ "$engine" = podman ] && echo CgroupMode || echo CgroupnsMode)
$engine inspect $p --format "{{.HostConfig.$cgroupns_field}}" | grep -qx private || fail "cgroupns is not private"
[ "$($engine inspect $p --format '{{.HostConfig.Memory}}')" = $((2048 * 1024 * 1024)) ] || fail "memory limit not applied"
if [ "$engine" = podman ]; then
  # podman's own systemd mode would show the host's hierarchy here (name=systemd:/../../init.scope)
  assert_eq "$(mk ssh -p $p -- grep -o 'name=systemd:.*' /proc/1/cgroup)" "name=systemd:/init.scope" \
    "systemd's cgroup in the node"
fi

note "status of a running node"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status exit code"
assert_eq "$st_out" "$(printf '%s\ntype: Control Plane\nhost: Running\nkubelet: Irrelevant\napiserver: Irrelevant\nkubeconfig: Irrelevant' $p)"
run_mk js status -p $p -o json
assert_eq "$js_out" "{\"Name\":\"$p\",\"Host\":\"Running\",\"Kubelet\":\"Irrelevant\",\"APIServer\":\"Irrelevant\",\"Kubeconfig\":\"Irrelevant\",\"Worker\":false}"

note "ssh"
state=$(mk ssh -p $p -- systemctl is-system-running) || true
case "$state" in running|degraded) ;; *) fail "systemd state in the node: '$state'";; esac
assert_contains "$(mk ssh -p $p -- uname -a)" "Linux $p "
assert_eq "$(mk ssh -p $p -- id -un)" docker
assert_eq "$(mk ssh -p $p -- sudo -n id -un)" root
rc=0; mk ssh -p $p -- sh -c "'exit 7'" || rc=$?
assert_eq "$rc" 7 "mk ssh returns the command's exit code"
key=$MK_HOME/machines/$p/id_rsa
assert_eq "$(stat -c %a "$key")" 600 "node key mode"

note "node list, ip, profile list"
ip=$(mk ip -p $p)
case "$ip" in 192.168.*.2|10.*|172.*) ;; *) fail "unexpected node IP $ip";; esac
assert_eq "$(mk node list -p $p)" "$(printf '%s\t%s' $p "$ip")"
assert_eq "$($engine inspect $p --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')" "$ip"
assert_contains "$(mk profile list)" "$p"
for port in 22 8443 2376 5000 32443; do
  $engine port $p $port/tcp | grep -q '^127.0.0.1:' || fail "port $port is not published on 127.0.0.1 only"
done
ssh_port=$($engine port $p 22/tcp | sed 's/.*://')

note "stop"
run_mk stop stop -p $p
assert_eq "$stop_rc" 0 "stop exit code"
assert_contains "$stop_out" "1 node stopped."
assert_eq "$($engine inspect $p --format '{{.State.Status}}')" exited
run_mk st status -p $p
assert_eq "$st_rc" 1 "status exit code of a stopped node"
assert_contains "$st_out" "host: Stopped"
run_mk ssh ssh -p $p -- true
[ "$ssh_rc" != 0 ] || fail "ssh into a stopped node succeeded"
assert_contains "$ssh_err" "not running"

note "restart"
run_mk start start -p $p --driver=$engine --no-kubernetes
[ "$start_rc" = 0 ] || fail "restart failed: $start_err"
assert_contains "$start_out" "Starting node $p"
assert_not_contains "$start_out" "Creating node"
new_ssh_port=$($engine port $p 22/tcp | sed 's/.*://')
grep -q "\"22\": $new_ssh_port" "$MK_HOME/profiles/$p/config.json" || fail "the profile does not record the new ssh port $new_ssh_port"
assert_eq "$(mk ssh -p $p -- hostname)" $p
assert_eq "$(mk ip -p $p)" "$ip" "the node keeps its IP"
echo "ssh port $ssh_port -> $new_ssh_port"

note "the host's kernel settings are unchanged"
assert_eq "$(host_sysctls)" "$sysctls_before" "host sysctls changed"

note "delete"
run_mk del delete -p $p
assert_eq "$del_rc" 0
assert_contains "$del_out" "Deleted profile \"$p\""
assert_eq "$(objects_of $p)" "" "objects left after delete"
[ ! -e "$MK_HOME/profiles/$p" ] || fail "profile directory left"
[ ! -e "$MK_HOME/machines/$p" ] || fail "machine directory left"
run_mk del delete -p $p
assert_eq "$del_rc" 0 "deleting a missing profile"
assert_contains "$del_out" "does not exist"
run_mk st status -p $p
assert_eq "$st_rc" 85 "status of a missing profile"
if [ "$engine" = podman ]; then
  note "podman: the host's cgroup roots are as they were before the node"
  assert_eq "$(cgroup_roots)" "$cgroup_roots_before" "the host's cgroup roots"
fi
echo PASS
