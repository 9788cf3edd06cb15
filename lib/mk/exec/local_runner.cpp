// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/local_runner.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <future>
#include <unistd.h>

namespace mk::exec {

namespace bp = boost::process;
using namespace std::chrono_literals;

namespace {
// How long a child asked to stop (SIGTERM to its process group) may take before it is killed.
constexpr auto k_stop_grace = 5s;
// How often a running child checks whether mk was interrupted.
constexpr auto k_interrupt_poll = 50ms;

// Signals the child's process group (it leads one: see run()); the child itself when the group is not there
// yet.
void signal_group(pid_t pid, int signal) {
  if (pid <= 0) return;
  if (::kill(-pid, signal) != 0) ::kill(pid, signal);
}
} // namespace

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
  boost::asio::steady_timer deadline(io);
  boost::asio::steady_timer poll(io);
  boost::asio::steady_timer grace(io);
  enum class Stop { none, timeout, interrupt } stopped = Stop::none;
  bool exited = false;
  int exit_code = -1;
  auto on_exit = bp::on_exit([&](int code, const std::error_code&) {
    exit_code = code;
    exited = true;
    deadline.cancel();
    poll.cancel();
    grace.cancel();
  });
  // the child leads its own process group: a terminal's Ctrl-C reaches mk alone, which stops the child itself
  // (SIGTERM, then SIGKILL after a grace period) and then undoes its work without its commands being killed
  auto own_group = bp::extend::on_exec_setup([](auto&) { ::setpgid(0, 0); });
  auto start = std::chrono::steady_clock::now();
  bp::child child;
  try {
    if (!command.input_file.empty()) {
      child = bp::child(program, bp::args(args), bp::std_in<command.input_file.string(), bp::std_out> out,
                        bp::std_err > err, environment, io, on_exit, own_group);
    } else if (!command.input.empty()) {
      child =
          bp::child(program, bp::args(args), bp::std_in<boost::asio::buffer(command.input), bp::std_out> out,
                    bp::std_err > err, environment, io, on_exit, own_group);
    } else {
      child = bp::child(program, bp::args(args), bp::std_in<bp::null, bp::std_out> out, bp::std_err > err,
                        environment, io, on_exit, own_group);
    }
  } catch (const bp::process_error& e) {
    return fail(ErrorCode::failure, fmt::format("cannot run {}: {}", command.argv.front(), e.what()));
  }
  auto pid = child.id();
  auto stop_child = [&](Stop why) {
    if (exited || stopped != Stop::none) return;
    stopped = why;
    signal_group(pid, SIGTERM);
    grace.expires_after(k_stop_grace);
    grace.async_wait([&](const boost::system::error_code& ec) {
      if (!ec && !exited) signal_group(pid, SIGKILL);
    });
  };
  if (command.timeout.count() > 0) {
    deadline.expires_after(command.timeout);
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) stop_child(Stop::timeout);
    });
  }
  std::function<void(const boost::system::error_code&)> check_interrupt =
      [&](const boost::system::error_code& ec) {
        if (ec || exited) return;
        if (core::stop_requested()) {
          stop_child(Stop::interrupt);
          return;
        }
        poll.expires_after(k_interrupt_poll);
        poll.async_wait(check_interrupt);
      };
  check_interrupt({});
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
  if (stopped == Stop::interrupt) {
    Error error{ErrorCode::interrupted,
                fmt::format("{} was stopped: mk was interrupted", command.argv.front()),
                {},
                core::CommandFailure{result.argv, result.exit_code, result.out, result.err},
                {}};
    return fail(std::move(error));
  }
  if (stopped == Stop::timeout) {
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
