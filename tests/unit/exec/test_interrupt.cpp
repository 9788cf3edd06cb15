// SPDX-License-Identifier: Apache-2.0
// An interrupt stops the running child and everything in its process group, and a shield keeps a rollback's
// commands running.
#include "mk/core/interrupt.hpp"
#include "mk/exec/local_runner.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace mk;

namespace {
std::filesystem::path scratch(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("mk-test-interrupt-" + std::to_string(std::random_device{}()) + "-" + name);
}

// Waits (a hang guard, not a measure) until `file` holds a line, and returns it.
std::string wait_for_line(const std::filesystem::path& file) {
  for (int i = 0; i < 6000; ++i) {
    std::ifstream in(file);
    std::string line;
    if (std::getline(in, line) && !line.empty()) return line;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the child never wrote " << file);
  return {};
}

bool process_gone(pid_t pid) {
  for (int i = 0; i < 6000; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}
} // namespace

TEST_CASE("an interrupt stops the running child and its whole process group", "[exec][interrupt]") {
  core::Log log(0);
  exec::LocalRunner runner(log);
  auto pidfile = scratch("pid");
  // the grandchild (a background sleep) records its pid, then the child waits for it
  exec::Command command{{"sh", "-c", "sleep 60 & echo $! > \"$0\"; wait", pidfile.string()}, {}, {}, {}, {}};
  std::thread signaller([&] {
    wait_for_line(pidfile);
    core::simulate_interrupt(SIGINT);
  });
  auto result = runner.run(command);
  signaller.join();
  auto grandchild = static_cast<pid_t>(std::stol(wait_for_line(pidfile)));
  std::filesystem::remove(pidfile);
  core::simulate_interrupt(0);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::interrupted);
  CHECK(process_gone(grandchild));
}

TEST_CASE("a shielded command runs to its end despite an interrupt", "[exec][interrupt]") {
  core::Log log(0);
  exec::LocalRunner runner(log);
  core::simulate_interrupt(SIGTERM);
  {
    core::InterruptShield shield;
    CHECK_FALSE(core::stop_requested());
    auto result = runner.run({{"sh", "-c", "echo done"}, {}, {}, {}, {}});
    REQUIRE(result);
    CHECK(result->out == "done\n");
  }
  CHECK(core::stop_requested());
  CHECK(core::interrupt_signal() == SIGTERM);
  core::simulate_interrupt(0);
  CHECK_FALSE(core::interrupted());
}

TEST_CASE("a child that ignores SIGTERM is killed after the grace period", "[exec][interrupt]") {
  core::Log log(0);
  exec::LocalRunner runner(log);
  auto ready = scratch("ready");
  exec::Command command{
      {"sh", "-c", "trap '' TERM; echo up > \"$0\"; while :; do sleep 1; done", ready.string()},
      {},
      {},
      {},
      {}};
  std::thread signaller([&] {
    wait_for_line(ready);
    core::simulate_interrupt(SIGINT);
  });
  auto result = runner.run(command);
  signaller.join();
  std::filesystem::remove(ready);
  core::simulate_interrupt(0);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::interrupted);
}
