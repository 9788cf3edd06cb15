// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mk::exec {

// A long-running program on the host whose stdout mk reads line by line while it runs (stderr and stdin are
// inherited), e.g. the API proxy of `mk dashboard`. The destructor ends it (SIGTERM) unless waited for.
class Child {
public:
  static Result<Child> spawn(const std::vector<std::string>& argv);
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  ~Child();

  // The next line of its stdout (without the newline); nullopt at end of output or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Copies the rest of its stdout to mk's stdout and waits for it to end; its exit code (128+signal).
  int forward_and_wait();
  // Waits for it to end (its stdout unread); its exit code (128+signal).
  int wait();

private:
  Child(pid_t pid, int out) : m_pid(pid), m_out(out) {}
  pid_t m_pid = -1;
  int m_out = -1;
  std::string m_buffer;
};

// Opens `url` with the user's browser ($BROWSER, else xdg-open) without waiting for it; false when there
// is none.
bool open_in_browser(const std::string& url);

} // namespace mk::exec
