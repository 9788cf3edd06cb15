// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mk::exec {

// One program to run: arguments are passed as argv, never through a shell.
struct Command {
  std::vector<std::string> argv;
  std::string input;                    // written to stdin, which is then closed
  std::filesystem::path input_file;     // or: stdin comes from this file (when not empty)
  std::chrono::milliseconds timeout{0}; // 0: no limit
  std::vector<std::pair<std::string, std::string>>
      env; // added to (or replacing in) the inherited environment
};

// How a command ended. A non-zero exit is a result, not an error.
struct RunResult {
  std::vector<std::string> argv;
  int exit_code = -1;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
};

// Runs commands and moves files somewhere: on the host, inside a node (docker exec), later over ssh.
class Runner {
public:
  virtual ~Runner() = default;
  // Runs `command`. Fails only when it could not be run or timed out; a non-zero exit is returned as a
  // RunResult.
  virtual Result<RunResult> run(const Command& command) = 0;
  // Writes `content` to `path` (parents created), then sets `mode`.
  virtual Status write_file(const std::string& path, std::string_view content, int mode) = 0;
  // Copies the host file `source` to `path` (parents created), then sets `mode`.
  virtual Status copy_file(const std::filesystem::path& source, const std::string& path, int mode) = 0;
  // Where commands run, for messages ("host", "node mk").
  virtual std::string where() const = 0;
};

// The command that writes its stdin to `path` in a node (parents created, mode set, renamed into place):
// `content` as its input, or (with `source`) the host file. The path travels as an argument, never inside
// a script.
Command write_file_command(const std::string& path, int mode, std::string_view content);
Command copy_file_command(const std::filesystem::path& source, const std::string& path, int mode);

// `argv` as one line a person can paste into a POSIX shell.
std::string shell_quote(const std::vector<std::string>& argv);

// The error for a command that exited non-zero: carries argv, exit code and output.
Error command_error(const RunResult& result, std::string message, ErrorCode code = ErrorCode::failure);

// Runs `command` and turns a non-zero exit into an error (with `code`).
Result<RunResult> run_checked(Runner& runner, const Command& command, ErrorCode code = ErrorCode::failure);

// Shorthand: runs `argv` checked and returns its stdout.
Result<std::string> output_of(Runner& runner, std::vector<std::string> argv,
                              ErrorCode code = ErrorCode::failure);

} // namespace mk::exec
