// SPDX-License-Identifier: Apache-2.0
#include "mk/driver/select.hpp"

#include <fmt/format.h>

namespace mk::driver {

Result<const DriverInfo*> select_driver(std::span<const DriverInfo> drivers, std::string_view requested,
                                        std::string_view existing) {
  auto find = [&](std::string_view name) -> const DriverInfo* {
    for (const auto& d : drivers)
      if (d.name == name) return &d;
    return nullptr;
  };
  std::string names;
  for (const auto& d : drivers)
    names += (names.empty() ? "" : ", ") + std::string(d.name);
  if (!requested.empty()) {
    const auto* chosen = find(requested);
    if (!chosen)
      return fail(ErrorCode::usage, fmt::format("unknown --driver \"{}\": use one of {}", requested, names));
    if (!existing.empty() && existing != requested)
      return fail(Error{ErrorCode::conflict,
                        fmt::format("the profile uses the {} driver, not {}", existing, requested),
                        {},
                        {},
                        "delete the profile first (mk delete -p <profile>) to change its driver"});
    return chosen;
  }
  if (!existing.empty()) {
    if (const auto* chosen = find(existing)) return chosen;
    return fail(ErrorCode::driver_unavailable,
                fmt::format("the profile's driver {} is not built into this mk", existing));
  }
  const DriverInfo* best = nullptr;
  for (const auto& d : drivers)
    if (d.installed() && (!best || d.priority > best->priority)) best = &d;
  if (!best)
    return fail(Error{ErrorCode::driver_unavailable,
                      fmt::format("no driver is installed (looked for {})", names),
                      {},
                      {},
                      "install Docker (Debian: apt-get install docker.io)"});
  return best;
}

} // namespace mk::driver
