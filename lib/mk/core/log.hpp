// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace mk::core {

// Diagnostics for -v/--verbosity, written to stderr; separate from the user-facing step output.
// Level 1: every external command; level 2: also its output; level 3: HTTP requests.
// A log may also record levels 1 and 2 to a file whatever the verbosity (mk start's lastStart.txt), with
// secrets redacted (see redact_secrets).
class Log {
public:
  explicit Log(int verbosity = 0) : m_verbosity(verbosity) {}
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  ~Log();
  bool enabled(int level) const { return m_verbosity >= level || (m_record && level <= 2); }
  // Writes `message` (one or more lines) when the verbosity is at least `level`. Thread-safe.
  void write(int level, std::string_view message) const;
  int verbosity() const { return m_verbosity; }
  // Writes `message` to the record only (what the user already saw on the terminal).
  void record(std::string_view message) const;
  // Records from now on into `path` (replaced, mode 0600); false when it cannot be opened.
  bool record_to(const std::filesystem::path& path);

private:
  int m_verbosity;
  std::FILE* m_record = nullptr;
};

// `text` with bootstrap tokens, certificate keys, private keys (PEM blocks and kubeconfig key data) and
// bearer tokens replaced by "<redacted>".
std::string redact_secrets(std::string_view text);

} // namespace mk::core
