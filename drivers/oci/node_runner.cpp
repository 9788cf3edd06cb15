// SPDX-License-Identifier: Apache-2.0
#include "drivers/oci/node_runner.hpp"

#include "mk/exec/tracked.hpp"

#include <fmt/format.h>

namespace mk::drivers::oci {

exec::Command NodeRunner::wrap(const exec::Command& command, const std::string& token) const {
  exec::Command wrapped = command;
  wrapped.argv = {m_binary, "exec"};
  if (!command.input.empty() || !command.input_file.empty()) wrapped.argv.push_back("-i");
  for (const auto& [key, value] : command.env)
    wrapped.argv.push_back(fmt::format("--env={}={}", key, value));
  wrapped.env.clear();
  wrapped.argv.push_back(m_container);
  auto tracked = exec::tracked_argv(token, command.argv);
  wrapped.argv.insert(wrapped.argv.end(), tracked.begin(), tracked.end());
  return wrapped;
}

Result<exec::RunResult> NodeRunner::run(const exec::Command& command) {
  auto token = exec::new_command_token();
  return exec::run_in_node(m_host, *this, wrap(command, token), command, token);
}

Status NodeRunner::write_file(const std::string& path, std::string_view content, int mode) {
  MK_TRY(exec::run_checked(*this, exec::write_file_command(path, mode, content), ErrorCode::node_failed));
  return {};
}

Status NodeRunner::copy_file(const std::filesystem::path& source, const std::string& path, int mode) {
  MK_TRY(exec::run_checked(*this, exec::copy_file_command(source, path, mode), ErrorCode::node_failed));
  return {};
}

} // namespace mk::drivers::oci
