// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace mk::core {

// Diagnostics for -v/--verbosity, written to stderr; separate from the user-facing step output.
// Level 1: every external command; level 2: also its output; level 3: HTTP requests.
class Log {
public:
  explicit Log(int verbosity = 0) : m_verbosity(verbosity) {}
  bool enabled(int level) const { return m_verbosity >= level; }
  // Writes `message` (one or more lines) when the verbosity is at least `level`. Thread-safe.
  void write(int level, std::string_view message) const;
  int verbosity() const { return m_verbosity; }

private:
  int m_verbosity;
};

} // namespace mk::core
