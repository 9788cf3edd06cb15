// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/env.hpp"

#include <fmt/format.h>

namespace mk::cluster {

Result<core::FileLock> lock_profile(Env& env, std::string_view profile) {
  return env.store.lock(profile, std::chrono::minutes(10), [&env, name = std::string(profile)] {
    env.ui.info(fmt::format("Waiting for another mk command on profile {} to finish...", name));
  });
}

} // namespace mk::cluster
