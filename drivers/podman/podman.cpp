// SPDX-License-Identifier: Apache-2.0
#include "drivers/podman/podman.hpp"

#include "drivers/oci/oci_driver.hpp"
#include "mk/exec/local_runner.hpp"

namespace mk::drivers::podman {

driver::DriverInfo info() {
  return {
      "podman", "containers of rootful podman", 50, [] { return !exec::find_program("podman").empty(); },
      [](exec::Runner& host, const core::Log& log,
         const core::Paths& paths) -> std::unique_ptr<driver::Driver> {
        return std::make_unique<oci::OciDriver>(
            oci::Engine{
                "podman",
                {"unmask=ALL"},
                "podman",
                "mtu",
                {"--systemd=false"},
                true,
                "docker",
                "the podman driver makes single-node clusters only: its network's firewall rules may drop "
                "traffic between pods on different nodes; use --driver=docker for several nodes"},
            host, log, paths.owner_id());
      }};
}

} // namespace mk::drivers::podman
