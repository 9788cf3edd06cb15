// SPDX-License-Identifier: Apache-2.0
#include "drivers/registry.hpp"

#include "drivers/docker/docker.hpp"
#include "drivers/podman/podman.hpp"
#include "drivers/qemu/qemu.hpp"

#include <algorithm>

namespace mk::drivers {

namespace {
const driver::DriverInfo k_drivers[] = {
#ifdef MK_DRIVER_DOCKER
    docker::info(),
#endif
#ifdef MK_DRIVER_PODMAN
    podman::info(),
#endif
#ifdef MK_DRIVER_QEMU
    qemu::info(),
#endif
};
} // namespace

std::span<const driver::DriverInfo> builtin_drivers() {
  return k_drivers;
}

const driver::DriverInfo* find_driver(std::string_view name) {
  auto it =
      std::find_if(std::begin(k_drivers), std::end(k_drivers), [&](const auto& d) { return d.name == name; });
  return it == std::end(k_drivers) ? nullptr : &*it;
}

} // namespace mk::drivers
