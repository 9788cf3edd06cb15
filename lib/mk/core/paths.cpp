// SPDX-License-Identifier: Apache-2.0
#include "mk/core/paths.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/hash.hpp"

#include <cstdlib>

namespace mk::core {

Paths Paths::from_environment() {
  if (const char* home = std::getenv("MK_HOME"); home && *home) return Paths(home);
  return Paths(home_directory() / ".mk");
}

std::string Paths::owner_id() const {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(m_home, ec).lexically_normal().string();
  while (absolute.size() > 1 && absolute.back() == '/')
    absolute.pop_back();
  return sha256_hex(ec ? m_home.string() : absolute).substr(0, 12);
}

} // namespace mk::core
