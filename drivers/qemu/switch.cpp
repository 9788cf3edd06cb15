// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/switch.hpp"

#include "drivers/qemu/process.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/local_runner.hpp"

#include <csignal>
#include <fmt/format.h>
#include <thread>

namespace mk::drivers::qemu {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
// The pid of the switch serving `dir`, when it runs.
std::optional<int> switch_pid(const fs::path& dir) {
  return recorded_process(dir / "switch.pid", switch_socket(dir).string());
}
} // namespace

bool switch_available() {
  return !exec::find_program("vde_switch").empty();
}

fs::path switch_socket(const fs::path& dir) {
  return dir / "ctl";
}

Result<bool> ensure_switch(exec::Runner& host, const fs::path& dir) {
  if (switch_pid(dir)) return false;
  MK_TRY(core::ensure_directory(dir, 0700));
  std::error_code ec;
  fs::remove_all(switch_socket(dir), ec);
  fs::remove(dir / "switch.pid", ec);
  MK_TRY(exec::run_checked(host,
                           {{"vde_switch", "--sock", switch_socket(dir).string(), "--mode", "0600",
                             "--daemon", "--pidfile", (dir / "switch.pid").string()},
                            {},
                            {},
                            10s,
                            {}},
                           ErrorCode::driver_failed));
  // the daemon writes its pid file after it forked
  for (int i = 0; i < 50 && !switch_pid(dir); ++i)
    std::this_thread::sleep_for(20ms);
  if (!switch_pid(dir))
    return fail(ErrorCode::driver_failed,
                fmt::format("the node network's switch (vde_switch in {}) did not start", dir.string()));
  return true;
}

Status remove_switch(const fs::path& dir) {
  if (auto pid = switch_pid(dir)) {
    ::kill(*pid, SIGTERM);
    for (int i = 0; i < 50 && switch_pid(dir); ++i) // an exited switch has no command line (even as a zombie)
      std::this_thread::sleep_for(20ms);
    if (switch_pid(dir)) ::kill(*pid, SIGKILL);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return fail(ErrorCode::failure, fmt::format("cannot remove {}: {}", dir.string(), ec.message()));
  return {};
}

} // namespace mk::drivers::qemu
