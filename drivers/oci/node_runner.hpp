// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/exec/runner.hpp"

namespace mk::drivers::oci {

// Runs commands inside a node container with `<binary> exec` (as root), through the host runner. Every
// command is tracked in the node (exec/tracked.hpp): when the host side is stopped (interrupt, timeout), the
// command in the node is stopped too.
class NodeRunner final : public exec::Runner {
public:
  NodeRunner(exec::Runner& host, std::string binary, std::string container)
      : m_host(host), m_binary(std::move(binary)), m_container(std::move(container)) {}
  Result<exec::RunResult> run(const exec::Command& command) override;
  Status write_file(const std::string& path, std::string_view content, int mode) override;
  Status copy_file(const std::filesystem::path& source, const std::string& path, int mode) override;
  std::string where() const override { return "node " + m_container; }

private:
  exec::Command wrap(const exec::Command& command, const std::string& token) const;
  exec::Runner& m_host;
  std::string m_binary;
  std::string m_container;
};

} // namespace mk::drivers::oci
