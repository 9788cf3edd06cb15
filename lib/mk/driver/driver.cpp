// SPDX-License-Identifier: Apache-2.0
#include "mk/driver/driver.hpp"

namespace mk::driver {

std::string_view to_string(State state) {
  switch (state) {
  case State::nonexistent:
    return "Nonexistent";
  case State::stopped:
    return "Stopped";
  case State::starting:
    return "Starting";
  case State::running:
    return "Running";
  case State::paused:
    return "Paused";
  case State::error:
    return "Error";
  }
  return "Error";
}

bool is_vm_driver(std::string_view name) {
  return name == "qemu";
}

} // namespace mk::driver
