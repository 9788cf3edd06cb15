// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

namespace mk::cluster {

// The OpenSSH command line that logs into `node` (empty: the primary node) of `profile` as user docker with
// the node's key, running `command` when not empty. Fails when the node is not running or its key is missing
// or readable by others.
Result<std::vector<std::string>> ssh_command(Env& env, driver::Driver& driver, std::string_view profile,
                                             std::string_view node, const std::vector<std::string>& command,
                                             bool allocate_tty);

// `<node>\t<ip>` lines of `mk node list`.
Result<std::string> node_list(Env& env, std::string_view profile);

// The primary node's IP (`mk ip`).
Result<std::string> node_ip(Env& env, std::string_view profile, std::string_view node);

} // namespace mk::cluster
