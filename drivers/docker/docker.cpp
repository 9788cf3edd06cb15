// SPDX-License-Identifier: Apache-2.0
#include "drivers/docker/docker.hpp"

#include "drivers/oci/oci_driver.hpp"
#include "mk/exec/local_runner.hpp"

namespace mk::drivers::docker {

driver::DriverInfo info() {
  return {"docker", "containers of a Docker engine", 100,
          [] { return !exec::find_program("docker").empty(); },
          [](exec::Runner& host, const core::Log& log,
             const core::Paths& paths) -> std::unique_ptr<driver::Driver> {
            return std::make_unique<oci::OciDriver>(
                oci::Engine{"docker", {"systempaths=unconfined"}, "bridge", "com.docker.network.driver.mtu"},
                host, log, paths.owner_id());
          }};
}

} // namespace mk::drivers::docker
