#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Helpers of the qemu driver's end-to-end tests (sourced after lib.sh): qemu installed (Debian's packages, no
# recommends), the VM node image of the local release (scripts/testenv/up.sh: MK_TEST_VM_IMAGE).
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v qemu-img >/dev/null || ! command -v vde_switch >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 qemu-utils vde2 >/dev/null ||
    fail "cannot install Debian's qemu-system-x86, qemu-utils and vde2"
fi
[ -n "${MK_TEST_VM_IMAGE:-}" ] || fail "MK_TEST_VM_IMAGE is not set (source \$MK_TESTENV_CACHE/run/env.sh after scripts/testenv/up.sh)"

# fails when a qemu process of this test's MK_HOME still runs
assert_no_qemu_of_home() {
  local left
  left=$(pgrep -af qemu-system | grep -F "$MK_HOME/" || true)
  [ -z "$left" ] || fail "qemu of this test still runs: $left"
}

# whether process $1 runs (a zombie not reaped yet by its new parent has exited: its command line is empty)
running() { [ -n "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ]; }
