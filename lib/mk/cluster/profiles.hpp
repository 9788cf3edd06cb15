// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mk::cluster {

// One row of `mk profile list`.
struct ProfileSummary {
  std::string name;
  std::string driver;
  std::string ip;
  int port = 0;        // host port of the API server, 0 when unknown
  std::string version; // Kubernetes version, empty without Kubernetes
  std::string status;  // the primary node's state, or "Error" for an unreadable profile
  size_t nodes = 0;
};

// Every profile with its primary node's current state; `driver_for` gives the driver of a profile (nullptr
// when it is not available).
std::vector<ProfileSummary> list_profiles(Env& env,
                                          const std::function<driver::Driver*(std::string_view)>& driver_for);

} // namespace mk::cluster
