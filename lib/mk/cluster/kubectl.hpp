// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"

#include <string>
#include <vector>

namespace mk::cluster {

// `mk kubectl -- ARGS`: the command line of a kubectl of the cluster's version (downloaded into the cache,
// through the profile's binary mirror, on first use) run against the profile's context.
Result<std::vector<std::string>> kubectl_command(Env& env, std::string_view profile,
                                                 const std::vector<std::string>& args);

} // namespace mk::cluster
