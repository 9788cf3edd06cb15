// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/runner.hpp"

#include <fmt/format.h>

namespace mk::exec {

namespace {
constexpr const char* k_write_script =
    R"sh(mkdir -p -- "$(dirname -- "$1")" && cat > "$1.mk-tmp" && chmod "$2" "$1.mk-tmp" && mv -f -- "$1.mk-tmp" "$1")sh";
constexpr const char* k_create_empty_script =
    R"sh(mkdir -p -- "$(dirname -- "$1")" && : > "$1" && chmod "$2" "$1")sh";
} // namespace

Command write_file_command(const std::string& path, int mode, std::string_view content) {
  Command command;
  command.argv = {"sh",       "-c", content.empty() ? k_create_empty_script : k_write_script,
                  "mk-write", path, fmt::format("{:o}", mode)};
  command.input = std::string(content);
  return command;
}

Command copy_file_command(const std::filesystem::path& source, const std::string& path, int mode) {
  Command command;
  command.argv = {"sh", "-c", k_write_script, "mk-write", path, fmt::format("{:o}", mode)};
  command.input_file = source;
  return command;
}

static std::string quote_one(std::string_view word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (char c : word) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    if (!safe) plain = false;
  }
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    line += quote_one(word);
  }
  return line;
}

Error command_error(const RunResult& result, std::string message, ErrorCode code) {
  Error error{code,
              std::move(message),
              {},
              core::CommandFailure{result.argv, result.exit_code, result.out, result.err},
              {}};
  return error;
}

Result<RunResult> run_checked(Runner& runner, const Command& command, ErrorCode code) {
  auto result = MK_TRY(runner.run(command));
  if (!result.ok()) {
    auto name = command.argv.empty() ? std::string("command") : command.argv.front();
    return fail(command_error(
        result, fmt::format("{} exited with code {} ({})", name, result.exit_code, runner.where()), code));
  }
  return result;
}

Result<std::string> output_of(Runner& runner, std::vector<std::string> argv, ErrorCode code) {
  Command command;
  command.argv = std::move(argv);
  auto result = MK_TRY(run_checked(runner, command, code));
  return std::move(result.out);
}

} // namespace mk::exec
