// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/config/store.hpp"
#include "mk/core/log.hpp"
#include "mk/core/paths.hpp"
#include "mk/exec/runner.hpp"
#include "mk/ui/reporter.hpp"

namespace mk::cluster {

// What every cluster operation works with: the state directory, the host, and the user's terminal.
struct Env {
  core::Paths paths;
  const core::Log& log;
  exec::Runner& host;
  ui::Reporter& ui;
  config::ProfileStore store{paths};
};

// Locks `profile` for a command that changes it, telling the user when another mk command holds it (waits up
// to 10 minutes, then conflict).
Result<core::FileLock> lock_profile(Env& env, std::string_view profile);

} // namespace mk::cluster
