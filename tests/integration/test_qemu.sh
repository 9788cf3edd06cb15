#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two VM nodes on the qemu driver without Kubernetes (TCG here: this machine's /dev/kvm is KVM-PVM), all checks
# on one cluster: start --nodes=2 -> ssh (systemd running) -> node list, ip (the static addresses on the cluster's
# switch), each node reaching the other at its address -> status -> forwards on 127.0.0.1 only -> stop (a clean
# ACPI power-down of both, not a kill) -> status Stopped -> start -> ssh, the nodes reach each other again ->
# delete leaves no qemu process and nothing under the machine directory. The VM node image comes from the local
# release's mirror (MK_TEST_VM_IMAGE).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_qemu.sh"

p=it-vm-$$
use_profile $p
machine=$MK_HOME/machines/$p
worker=$p-m02
# reaches NODE ADDRESS: a TCP connection from NODE to ADDRESS:22 (the other node's SSH server) succeeds
reaches() { mk ssh -p $p -n "$1" -- timeout 10 bash -c "'exec 3<>/dev/tcp/$2/22 && head -c 7 <&3'" 2>/dev/null | grep -q '^SSH-2.0'; }

note "start two VM nodes without Kubernetes"
run_mk start start -p $p --driver=qemu --no-kubernetes --nodes=2 --vm-image="$MK_TEST_VM_IMAGE"
[ "$start_rc" = 0 ] || { tail -n 30 "$machine/console.log" 2>/dev/null; fail "start failed ($start_rc): $start_out $start_err"; }
assert_contains "$start_out$start_err" "Waiting for node $p to boot" "boot step"
assert_contains "$start_out$start_err" "Node $worker was created, booted and configured beside node $p" "the worker"
assert_contains "$start_out" "2 nodes of $p are running"
if ! grep -qw -e vmx -e svm /proc/cpuinfo || [ -e /sys/module/kvm_pvm ]; then
  assert_contains "$start_out$start_err" "TCG software emulation" "the warning that the VM is emulated"
fi
[ -s "$machine/qemu.pid" ] || fail "no pidfile in $machine"
pid=$(cat "$machine/qemu.pid")
running "$pid" || fail "qemu (pid $pid) does not run"
worker_pid=$(cat "$MK_HOME/machines/$worker/qemu.pid")
running "$worker_pid" || fail "the worker's qemu (pid $worker_pid) does not run"

note "ssh into the VM: systemd is up"
state=$(mk ssh -p $p -- systemctl is-system-running || true)
case "$state" in running | degraded) ;; *) fail "systemd in the VM says '$state'" ;; esac
assert_eq "$(mk ssh -p $p -- hostname)" "$p" "hostname"
assert_eq "$(mk ssh -p $p -- sudo -n id -u)" "0" "passwordless sudo"
uuid=$(jq -r .uuid "$machine/qemu.json")
assert_eq "$(mk ssh -p $p -- cat /etc/machine-id)" "${uuid//-/}" "machine-id from qemu's -uuid"

note "node list, ip (the nodes' addresses on their cluster's switch), the nodes reach each other, status"
assert_eq "$(mk node list -p $p)" "$p	192.168.39.2
$worker	192.168.39.3" "node list"
assert_eq "$(mk ip -p $p)" "192.168.39.2" "ip"
assert_eq "$(mk ip -p $p -n $worker)" "192.168.39.3" "ip of the worker"
assert_contains "$(mk ssh -p $p -- ip -4 -o addr show)" "inet 192.168.39.2/24" "the second NIC's static address"
assert_contains "$(mk ssh -p $p -n $worker -- ip -4 -o addr show)" "inet 192.168.39.3/24" "the worker's address"
assert_eq "$(mk ssh -p $p -n $worker -- hostname)" "$worker" "the worker's hostname"
reaches $p 192.168.39.3 || fail "node $p cannot reach $worker at 192.168.39.3"
reaches $worker 192.168.39.2 || fail "node $worker cannot reach $p at 192.168.39.2"
switch_pid=$(cat "$MK_HOME/networks/$p/switch.pid")
switch_runs() { tr '\0' ' ' <"/proc/$switch_pid/cmdline" 2>/dev/null | grep -q "vde_switch --sock $MK_HOME/networks/$p/ctl"; }
switch_runs || fail "no switch of the cluster's network runs"
run_mk st status -p $p
assert_eq "$st_rc" 0 "status exit code"
assert_contains "$st_out" "host: Running" "status host"
assert_contains "$st_out" "$worker" "status of the worker"

note "the forwards listen on 127.0.0.1 only"
listeners=$(ss -ltnpH | grep "pid=$pid," | awk '{print $4}')
[ -n "$listeners" ] || fail "qemu listens on nothing"
echo "$listeners" | grep -v '^127\.0\.0\.1:' && fail "a forward listens beyond 127.0.0.1: $listeners"
ssh_port=$(jq -r '.forwards["22"]' "$machine/qemu.json")
echo "$listeners" | grep -qx "127.0.0.1:$ssh_port" || fail "the SSH forward 127.0.0.1:$ssh_port is not listening"

note "stop powers the guest down cleanly"
mk ssh -p $p -- sudo -n touch /var/lib/mk-it-survives || fail "cannot write into the node's disk"
run_mk stop stop -p $p
assert_eq "$stop_rc" 0 "stop exit code"
running "$pid" && fail "qemu still runs after stop"
running "$worker_pid" && fail "the worker's qemu still runs after stop"
assert_contains "$stop_out" "2 nodes stopped"
for m in "$machine" "$MK_HOME/machines/$worker"; do
  grep -q "reboot: Power down" "$m/console.log" || { tail -n 20 "$m/console.log"; fail "no clean power-down on the console of $m"; }
done
run_mk st status -p $p
assert_eq "$st_rc" 1 "status exit code of a stopped node"
assert_contains "$st_out" "host: Stopped" "status host after stop"

note "start again: the same disk boots"
run_mk start2 start -p $p
[ "$start2_rc" = 0 ] || fail "restart failed ($start2_rc): $start2_out $start2_err"
state=$(mk ssh -p $p -- systemctl is-system-running || true)
case "$state" in running | degraded) ;; *) fail "after the restart systemd says '$state'" ;; esac
mk ssh -p $p -- test -e /var/lib/mk-it-survives || fail "the node's disk did not survive stop and start"
reaches $worker 192.168.39.2 || fail "after the restart node $worker cannot reach $p"
pid=$(cat "$machine/qemu.pid")
worker_pid=$(cat "$MK_HOME/machines/$worker/qemu.pid")

note "delete leaves no qemu process and nothing under the machine directory"
run_mk del delete -p $p
assert_eq "$del_rc" 0 "delete exit code"
running "$pid" && fail "qemu (pid $pid) still runs after delete"
running "$worker_pid" && fail "the worker's qemu (pid $worker_pid) still runs after delete"
[ ! -e "$machine" ] || fail "left behind: $(ls -A "$machine")"
[ -z "$(ls -A "$MK_HOME/machines" 2>/dev/null)" ] || fail "left under machines/: $(ls -A "$MK_HOME/machines")"
switch_runs && fail "the network's switch (pid $switch_pid) still runs after delete"
[ ! -e "$MK_HOME/networks/$p" ] || fail "the network's directory is left"
assert_no_qemu_of_home
echo "PASS"
