// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

namespace mk::drivers::docker {
// The registry row of the docker driver (nodes are containers of a Docker engine).
driver::DriverInfo info();
} // namespace mk::drivers::docker
