// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/process.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"

#include <cerrno>
#include <csignal>
#include <fmt/format.h>

namespace mk::drivers::qemu {

bool process_alive(int pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) return false;
  // a daemon's parent is init, which reaps it some time after it exited
  auto stat = core::read_file(fmt::format("/proc/{}/stat", pid)).value_or("");
  auto state = stat.rfind(')');
  return state == std::string::npos || state + 2 >= stat.size() || stat[state + 2] != 'Z';
}

std::optional<int> recorded_process(const std::filesystem::path& pidfile, std::string_view marker) {
  auto text = core::read_file(pidfile);
  if (!text) return std::nullopt;
  int pid = 0;
  try {
    pid = std::stoi(std::string(core::trim(*text)));
  } catch (...) {
    return std::nullopt;
  }
  if (!process_alive(pid)) return std::nullopt;
  auto cmdline = core::read_file(fmt::format("/proc/{}/cmdline", pid)).value_or("");
  if (cmdline.find(marker) == std::string::npos) return std::nullopt;
  return pid;
}

} // namespace mk::drivers::qemu
