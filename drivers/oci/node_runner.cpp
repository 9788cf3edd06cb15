// SPDX-License-Identifier: Apache-2.0
#include "drivers/oci/node_runner.hpp"

#include "mk/core/interrupt.hpp"
#include "mk/exec/tracked.hpp"

#include <fmt/format.h>

namespace mk::drivers::oci {

// Writes stdin to "$1" with mode "$2"; the path travels as an argument, never inside the script.
static constexpr const char* k_write_script =
    R"sh(mkdir -p -- "$(dirname -- "$1")" && cat > "$1.mk-tmp" && chmod "$2" "$1.mk-tmp" && mv -f -- "$1.mk-tmp" "$1")sh";

static constexpr const char* k_create_empty_script =
    R"sh(mkdir -p -- "$(dirname -- "$1")" && : > "$1" && chmod "$2" "$1")sh";

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
  auto result = m_host.run(wrap(command, token));
  if (!result) {
    auto& error = result.error();
    if (error.command) error.command->argv = command.argv;
    if (error.code == ErrorCode::interrupted || error.code == ErrorCode::timeout) {
      // `exec` does not pass the stop on: the command would go on in the node
      core::InterruptShield shield;
      if (auto stopped = exec::stop_tracked_commands(*this, {token}); !stopped)
        error.message += fmt::format(" (and it could not be stopped in node {}: {})", m_container,
                                     stopped.error().summary());
    }
    return result;
  }
  result->argv = command.argv; // errors show the command as run in the node
  return result;
}

Status NodeRunner::write_file(const std::string& path, std::string_view content, int mode) {
  exec::Command command;
  command.argv = {"sh", "-c", k_write_script, "mk-write", path, fmt::format("{:o}", mode)};
  command.input = std::string(content);
  if (command.input.empty()) command.argv[2] = k_create_empty_script;
  MK_TRY(exec::run_checked(*this, command, ErrorCode::node_failed));
  return {};
}

Status NodeRunner::copy_file(const std::filesystem::path& source, const std::string& path, int mode) {
  exec::Command command;
  command.argv = {"sh", "-c", k_write_script, "mk-write", path, fmt::format("{:o}", mode)};
  command.input_file = source;
  MK_TRY(exec::run_checked(*this, command, ErrorCode::node_failed));
  return {};
}

} // namespace mk::drivers::oci
