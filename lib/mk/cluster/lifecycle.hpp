// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

namespace mk::cluster {

// `mk stop`: shuts every node of the profile down cleanly (last node first). Returns how many were running.
Result<int> stop(Env& env, driver::Driver& driver, std::string_view profile);

// `mk delete`: removes the nodes (containers, volumes), the network when no other node uses it, the machine
// directories and the profile. Idempotent; returns false when there was no such profile.
Result<bool> remove(Env& env, driver::Driver& driver, std::string_view profile);

} // namespace mk::cluster
