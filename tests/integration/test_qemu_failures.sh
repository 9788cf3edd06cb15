#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The qemu driver's failures leave nothing behind:
#   - a VM node image whose published checksum does not match: exit 41, no profile, no machine, nothing cached;
#   - a VM node image with a corrupt initramfs: the guest kernel panics, qemu exits by itself (panic=1 with
#     -no-reboot), mk fails promptly (exit 80) showing the console's last lines; no profile, machine or qemu left.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_qemu.sh"

work=$(mktemp -d /var/tmp/mk-it-vm.XXXXXX) # beside the cache, so the artefact can be hard-linked
at_exit "rm -rf $work"
name=$(basename "$MK_TEST_VM_IMAGE")
source_file=${MK_TESTENV_CACHE:-$(dirname "$MK_TESTENV_RUN")}/mirror/vm/$(basename "$(dirname "$MK_TEST_VM_IMAGE")")/$name
[ -f "$source_file" ] || fail "the VM node image $source_file is not in the local release"

nothing_left() { # PROFILE
  run_mk pl profile list
  assert_not_contains "$pl_out" "$1" "profile left after a failed start"
  [ ! -e "$MK_HOME/machines/$1" ] || fail "machine directory left: $(ls -A "$MK_HOME/machines/$1")"
  [ ! -e "$MK_HOME/networks/$1" ] || fail "the network's switch directory is left"
  assert_no_qemu_of_home
}

note "a checksum that does not match: exit 41, nothing created, nothing cached"
mkdir -p "$work/served/bad"
ln "$source_file" "$work/served/bad/$name" 2>/dev/null || cp "$source_file" "$work/served/bad/$name"
echo "0000000000000000000000000000000000000000000000000000000000000000" >"$work/served/bad/$name.sha256"
start_server port "$work/served"
p=it-vmsum-$$
use_profile $p
run_mk bad start -p $p --driver=qemu --no-kubernetes --vm-image="http://127.0.0.1:$port/bad/$name"
assert_eq "$bad_rc" 41 "exit code of a checksum mismatch ($bad_out $bad_err)"
assert_contains "$bad_err" "checksum" "the error names the checksum"
nothing_left $p
[ -z "$(find "$MK_HOME/cache" -name '*.tar' -o -name '*.download' 2>/dev/null)" ] || fail "a bad download stayed in the cache: $(find "$MK_HOME/cache")"

note "a corrupt initramfs: qemu ends by itself, mk fails promptly with the console tail"
mkdir -p "$work/unpacked" "$work/corrupt"
tar -C "$work/unpacked" -xf "$source_file"
head -c 1000 "$work/unpacked/initrd.img" >"$work/unpacked/initrd.short" && mv "$work/unpacked/initrd.short" "$work/unpacked/initrd.img"
corrupt=$work/corrupt/mk-node-vm-corrupt-amd64.tar
tar -C "$work/unpacked" -cf "$corrupt" manifest.json vmlinuz initrd.img base.qcow2
sha256sum "$corrupt" | cut -d' ' -f1 >"$corrupt.sha256"
rm -rf "$work/unpacked"
p=it-vmpanic-$$
use_profile $p
started=$(date +%s)
run_mk panic start -p $p --driver=qemu --no-kubernetes --vm-image="$corrupt"
took=$(($(date +%s) - started))
assert_eq "$panic_rc" 80 "exit code of a node that cannot boot ($panic_out $panic_err)"
assert_contains "$panic_err" "stopped while booting" "the error says the VM ended"
assert_contains "$panic_err" "Kernel panic" "the console's last lines are shown"
[ "$took" -lt 120 ] || fail "mk took $took s to notice a VM that ended"
nothing_left $p
echo "PASS (the corrupt VM was noticed after $took s)"
