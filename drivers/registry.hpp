// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

#include <span>

namespace mk::drivers {

// The built-in drivers, most preferred first (one row per driver, compiled in by its MK_DRIVER_<NAME>
// option).
std::span<const driver::DriverInfo> builtin_drivers();

// The row for `name`, or nullptr.
const driver::DriverInfo* find_driver(std::string_view name);

} // namespace mk::drivers
