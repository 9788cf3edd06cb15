// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/child.hpp"

#include "mk/core/interrupt.hpp"
#include "mk/exec/local_runner.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mk::exec {

namespace {
// fork + exec with stdout on `out_fd` (-1: inherited); the child's stdin is /dev/null when `quiet`.
Result<pid_t> start(const std::vector<std::string>& argv, int out_fd, bool quiet) {
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0)
    return fail(ErrorCode::failure, fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  if (pid == 0) {
    if (out_fd >= 0) ::dup2(out_fd, STDOUT_FILENO);
    if (quiet) {
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, STDIN_FILENO);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
  return pid;
}
} // namespace

Result<Child> Child::spawn(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return fail(ErrorCode::failure, fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  auto pid = start(argv, pipe_fds[1], false);
  ::close(pipe_fds[1]);
  if (!pid) {
    ::close(pipe_fds[0]);
    return fail(std::move(pid).error());
  }
  return Child(*pid, pipe_fds[0]);
}

Child::Child(Child&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_out(std::exchange(other.m_out, -1)),
      m_buffer(std::move(other.m_buffer)) {}

Child::~Child() {
  if (m_out >= 0) ::close(m_out);
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
  }
}

std::optional<std::string> Child::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto newline = m_buffer.find('\n'); newline != std::string::npos) {
      auto line = m_buffer.substr(0, newline);
      m_buffer.erase(0, newline + 1);
      return line;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || m_out < 0) return std::nullopt;
    pollfd descriptor{m_out, POLLIN, 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    auto n = ::read(m_out, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    m_buffer.append(chunk, static_cast<size_t>(n));
  }
}

int Child::forward_and_wait() {
  std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout);
  std::fflush(stdout);
  m_buffer.clear();
  char chunk[4096];
  bool signalled = false;
  while (m_out >= 0) {
    // an interrupt of mk alone (not its process group) still ends the child
    if (!signalled && core::interrupted()) {
      ::kill(m_pid, SIGTERM);
      signalled = true;
    }
    pollfd descriptor{m_out, POLLIN, 0};
    if (::poll(&descriptor, 1, 200) <= 0) continue;
    auto n = ::read(m_out, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::fwrite(chunk, 1, static_cast<size_t>(n), stdout);
    std::fflush(stdout);
  }
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int Child::wait() {
  if (m_out >= 0) {
    ::close(m_out);
    m_out = -1;
  }
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool open_in_browser(const std::string& url) {
  std::string browser;
  if (const char* configured = std::getenv("BROWSER"); configured && *configured)
    browser = find_program(configured);
  if (browser.empty()) browser = find_program("xdg-open");
  if (browser.empty()) return false;
  auto pid = start({browser, url}, -1, true);
  return pid.has_value(); // not waited for: a browser may run long (the zombie is reaped at exit)
}

} // namespace mk::exec
