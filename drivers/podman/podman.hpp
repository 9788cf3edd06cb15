// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

namespace mk::drivers::podman {
// The registry row of the podman driver (rootful podman; same code path as docker).
driver::DriverInfo info();
} // namespace mk::drivers::podman
