// SPDX-License-Identifier: Apache-2.0
#include "mk/core/log.hpp"

#include <chrono>
#include <cstdio>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mutex>

namespace mk::core {

void Log::write(int level, std::string_view message) const {
  if (!enabled(level)) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  fmt::print(stderr, "I{:%H:%M:%S} {}\n", now, message);
  std::fflush(stderr);
}

} // namespace mk::core
