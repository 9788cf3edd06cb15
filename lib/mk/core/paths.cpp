// SPDX-License-Identifier: Apache-2.0
#include "mk/core/paths.hpp"

#include "mk/core/fs.hpp"

#include <cstdlib>

namespace mk::core {

Paths Paths::from_environment() {
  if (const char* home = std::getenv("MK_HOME"); home && *home) return Paths(home);
  return Paths(home_directory() / ".mk");
}

} // namespace mk::core
