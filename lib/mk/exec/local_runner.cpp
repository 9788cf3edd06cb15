// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/local_runner.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <future>
#include <unistd.h>

namespace mk::exec {

namespace bp = boost::process;

std::string find_program(std::string_view program) {
  if (program.find('/') != std::string_view::npos)
    return ::access(std::string(program).c_str(), X_OK) == 0 ? std::string(program) : "";
  return bp::search_path(std::string(program)).string();
}

Result<RunResult> LocalRunner::run(const Command& command) {
  RunResult result;
  result.argv = command.argv;
  if (command.argv.empty()) return fail(ErrorCode::failure, "internal: empty command");
  auto program = find_program(command.argv.front());
  if (program.empty())
    return fail(ErrorCode::not_found, fmt::format("cannot run {}: not found on PATH", command.argv.front()));
  m_log.write(1, fmt::format("$ {}", shell_quote(command.argv)));

  std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
  auto environment = boost::this_process::environment();
  for (const auto& [key, value] : command.env)
    environment[key] = value;

  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  boost::asio::steady_timer timer(io);
  bool timed_out = false;
  int exit_code = -1;
  auto on_exit = bp::on_exit([&](int code, const std::error_code&) {
    exit_code = code;
    timer.cancel();
  });
  auto start = std::chrono::steady_clock::now();
  bp::child child;
  try {
    if (!command.input_file.empty()) {
      child = bp::child(program, bp::args(args), bp::std_in<command.input_file.string(), bp::std_out> out,
                        bp::std_err > err, environment, io, on_exit);
    } else if (!command.input.empty()) {
      child =
          bp::child(program, bp::args(args), bp::std_in<boost::asio::buffer(command.input), bp::std_out> out,
                    bp::std_err > err, environment, io, on_exit);
    } else {
      child = bp::child(program, bp::args(args), bp::std_in<bp::null, bp::std_out> out, bp::std_err > err,
                        environment, io, on_exit);
    }
  } catch (const bp::process_error& e) {
    return fail(ErrorCode::failure, fmt::format("cannot run {}: {}", command.argv.front(), e.what()));
  }
  if (command.timeout.count() > 0) {
    timer.expires_after(command.timeout);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      timed_out = true;
      std::error_code ignored;
      child.terminate(ignored);
    });
  }
  io.run();
  std::error_code ignored;
  if (child.valid() && child.running(ignored)) child.wait(ignored);
  result.exit_code = exit_code;
  result.out = out.get();
  result.err = err.get();
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  m_log.write(1, fmt::format("  exit {} after {} ms", result.exit_code, elapsed.count()));
  if (m_log.enabled(2)) {
    if (!result.out.empty()) m_log.write(2, core::indent(result.out, "  out| "));
    if (!result.err.empty()) m_log.write(2, core::indent(result.err, "  err| "));
  }
  if (timed_out) {
    Error error{
        ErrorCode::timeout,
        fmt::format("{} did not finish within {} s", command.argv.front(), command.timeout.count() / 1000.0),
        {},
        core::CommandFailure{result.argv, result.exit_code, result.out, result.err},
        {}};
    return fail(std::move(error));
  }
  return result;
}

Status LocalRunner::write_file(const std::string& path, std::string_view content, int mode) {
  return core::write_file_atomic(path, content, mode);
}

Status LocalRunner::copy_file(const std::filesystem::path& source, const std::string& path, int mode) {
  auto content = MK_TRY(core::read_file(source));
  return core::write_file_atomic(path, content, mode);
}

Error exec_replace(const std::vector<std::string>& argv) {
  std::vector<char*> pointers;
  for (const auto& arg : argv)
    pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  ::execvp(pointers.front(), pointers.data());
  auto code = errno == ENOENT ? ErrorCode::not_found : ErrorCode::failure;
  return Error{
      code, fmt::format("cannot run {}: {}", argv.front(), std::strerror(errno)), {}, std::nullopt, {}};
}

} // namespace mk::exec
