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

// `mk delete --all --purge`, after every profile is gone: removes what mk keeps in MK_HOME (profiles,
// machines, cache, locks, CAs), then MK_HOME itself when nothing else is in it (a mistaken MK_HOME loses
// nothing else).
Status purge_home(const core::Paths& paths);

} // namespace mk::cluster
