// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/log.hpp"
#include "mk/exec/runner.hpp"

namespace mk::exec {

// Runs programs on the host (Boost.Process is confined to local_runner.cpp). Thread-safe: commands may run
// from several threads at once.
class LocalRunner final : public Runner {
public:
  explicit LocalRunner(const core::Log& log) : m_log(log) {}
  Result<RunResult> run(const Command& command) override;
  Status write_file(const std::string& path, std::string_view content, int mode) override;
  Status copy_file(const std::filesystem::path& source, const std::string& path, int mode) override;
  std::string where() const override { return "host"; }

private:
  const core::Log& m_log;
};

// Replaces the current process with `argv` (stdio inherited), as `mk ssh` and `mk kubectl` do. Returns only
// on failure.
Error exec_replace(const std::vector<std::string>& argv);

// The full path of `program` on PATH, or empty.
std::string find_program(std::string_view program);

} // namespace mk::exec
