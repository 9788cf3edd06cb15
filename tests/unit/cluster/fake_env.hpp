// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the cluster tests run against: an MK_HOME of their own in the temporary directory (removed afterwards),
// a silent reporter and the fake driver with its event log.

#include "fake_driver.hpp"
#include "mk/cluster/env.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/exec/local_runner.hpp"

#include <filesystem>
#include <random>
#include <string>

namespace mk::testing {

struct FakeClusterEnv {
  std::filesystem::path home;
  core::Log log{0};
  exec::LocalRunner host{log};
  std::unique_ptr<ui::Reporter> ui = ui::make_silent_reporter();
  cluster::Env env;
  EventLog events;
  FakeDriver driver{events};

  // `name` makes the MK_HOME's name tell which test made it
  explicit FakeClusterEnv(const std::string& name)
      : home(std::filesystem::temp_directory_path() /
             ("mk-test-" + name + "-" + std::to_string(std::random_device{}()))),
        env{core::Paths(home), log, host, *ui} {
    std::filesystem::create_directories(home);
  }
  FakeClusterEnv(const FakeClusterEnv&) = delete;
  FakeClusterEnv& operator=(const FakeClusterEnv&) = delete;
  ~FakeClusterEnv() {
    core::simulate_interrupt(0);
    std::error_code ec;
    std::filesystem::remove_all(home, ec);
  }
};

} // namespace mk::testing
