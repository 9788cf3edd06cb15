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

// `mk update-context`: the profile's kubeconfig cluster, user and context rewritten with the API server's
// address as the engine publishes it now (recorded in the profile too); every other entry, and the current
// context, stay as they are. Returns the server URL.
Result<std::string> update_context(Env& env, driver::Driver& driver, std::string_view profile);

// `<node>\t<ip>` lines of `mk node list`.
Result<std::string> node_list(Env& env, std::string_view profile);

// The primary node's IP (`mk ip`).
Result<std::string> node_ip(Env& env, std::string_view profile, std::string_view node);

} // namespace mk::cluster
