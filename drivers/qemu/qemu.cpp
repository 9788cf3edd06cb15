// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/qemu.hpp"

#include "drivers/qemu/qemu_driver.hpp"
#include "mk/exec/local_runner.hpp"

namespace mk::drivers::qemu {

driver::DriverInfo info() {
  // lowest priority: auto-detection never prefers a VM (possibly emulated) over a container engine
  return {"qemu", "virtual machines of qemu (KVM where it works, TCG otherwise)", 10,
          [] { return !exec::find_program("qemu-system-x86_64").empty(); },
          [](exec::Runner& host, const core::Log& log,
             const core::Paths& paths) -> std::unique_ptr<driver::Driver> {
            return std::make_unique<QemuDriver>(host, log, paths, read_host_facts());
          }};
}

} // namespace mk::drivers::qemu
