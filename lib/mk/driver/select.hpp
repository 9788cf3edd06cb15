// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

namespace mk::driver {

// Picks the driver for a command: `requested` (--driver) if given, else `existing` (the profile's), else the
// installed driver with the highest priority. usage error for an unknown name, conflict when `requested`
// differs from `existing`, driver_unavailable when none is installed.
Result<const DriverInfo*> select_driver(std::span<const DriverInfo> drivers, std::string_view requested,
                                        std::string_view existing);

} // namespace mk::driver
