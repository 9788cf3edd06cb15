// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

namespace mk::drivers::qemu {
// The registry row of the qemu driver (nodes are virtual machines; offered last by auto-detection).
driver::DriverInfo info();
} // namespace mk::drivers::qemu
