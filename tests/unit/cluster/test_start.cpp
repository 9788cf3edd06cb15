// SPDX-License-Identifier: Apache-2.0
// The control flow of start, stop and delete with a fake driver and node: what a failure, an exception or an
// interrupt at each step leaves behind.
#include "fake_env.hpp"
#include "mk/cluster/lifecycle.hpp"
#include "mk/cluster/start.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/exec/local_runner.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <random>

using namespace mk;
using testing::EventLog;
using testing::FakeDriver;

namespace {

struct Fixture : testing::FakeClusterEnv {
  Fixture() : FakeClusterEnv("start") {}

  cluster::StartRequest request(std::string profile = "tt") {
    cluster::StartFlags flags;
    flags.profile = std::move(profile);
    flags.no_kubernetes = true;
    flags.base_image = "example.test/node:1";
    auto request = cluster::validate_start_flags(flags, {2, 8192});
    if (!request) FAIL(request.error().summary());
    return *request;
  }
  bool profile_exists(std::string_view name = "tt") {
    return std::filesystem::exists(env.paths.profile_dir(name));
  }
  bool machine_exists(std::string_view node = "tt") {
    return std::filesystem::exists(env.paths.machine_dir(node));
  }
  // the undo events: what was removed after the failure
  std::vector<std::string> removals() {
    std::vector<std::string> out;
    for (const auto& e : events.events)
      if (e.rfind("remove", 0) == 0) out.push_back(e);
    return out;
  }
};

using Undo = std::vector<std::string>;

// The event at which each step of a new start without Kubernetes fails, and what must be undone then (newest
// first).
const std::vector<std::pair<std::string, Undo>> k_failure_points = {
    {"ensure_image example.test/node:1", {}},                     // preparing the node image
    {"ensure_network tt", {}},                                    // creating the network
    {"create_node tt", {"remove_network tt"}},                    // creating the node
    {"inspect_node tt", {"remove_node tt", "remove_network tt"}}, // waiting for the boot
    {"write /home/docker/.ssh/authorized_keys tt", {"remove_node tt", "remove_network tt"}}, // ssh access
};

} // namespace

TEST_CASE("a new start that fails at step N undoes exactly the steps before N, newest first",
          "[cluster][start]") {
  for (const auto& [point, undo] : k_failure_points) {
    for (bool exception : {false, true}) {
      DYNAMIC_SECTION(point << (exception ? " (exception)" : " (error)")) {
        Fixture f;
        (exception ? f.events.throw_at : f.events.fail_at).insert(point);
        auto result = cluster::start(f.env, f.driver, f.request());
        REQUIRE_FALSE(result);
        CHECK(result.error().code != ErrorCode::interrupted);
        if (exception) {
          // the error names the step it came from
          CHECK(result.error().summary().find("injected exception") != std::string::npos);
          CHECK(result.error().summary().find(": unexpected failure: ") != std::string::npos);
        }
        CHECK(f.removals() == undo);
        CHECK_FALSE(f.profile_exists());
        CHECK_FALSE(f.machine_exists());
        CHECK(f.driver.states.empty());
        CHECK(f.driver.networks.empty());
      }
    }
  }
}

TEST_CASE("a new start that succeeds keeps everything it made", "[cluster][start]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  CHECK(f.removals().empty());
  CHECK(f.profile_exists());
  CHECK(f.machine_exists());
  CHECK(f.driver.states.at("tt") == driver::State::running);
}

TEST_CASE("an interrupt between steps stops before the next step and undoes the earlier ones",
          "[cluster][start]") {
  Fixture f;
  f.events.on["create_node tt"] = [] { core::simulate_interrupt(SIGINT); };
  auto result = cluster::start(f.env, f.driver, f.request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::interrupted);
  // no step after the node's creation ran: nothing ran in the node
  for (const auto& e : f.events.events)
    CHECK(e.rfind("run ", 0) != 0);
  CHECK(f.removals() == Undo{"remove_node tt", "remove_network tt"});
  CHECK_FALSE(f.profile_exists());
}

TEST_CASE("the rollback's own commands run to the end during an interrupt", "[cluster][start]") {
  Fixture f;
  f.events.on["create_node tt"] = [] { core::simulate_interrupt(SIGTERM); };
  bool shielded = false;
  f.events.on["remove_node tt"] = [&] { shielded = !core::stop_requested(); };
  auto result = cluster::start(f.env, f.driver, f.request());
  REQUIRE_FALSE(result);
  CHECK(shielded);
  CHECK(core::interrupt_signal() == SIGTERM);
}

TEST_CASE("a failed restart never removes the existing cluster", "[cluster][start]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  REQUIRE(cluster::stop(f.env, f.driver, "tt"));

  SECTION("the node does not start") {
    f.events.fail_at.insert("start_node tt");
    REQUIRE_FALSE(cluster::start(f.env, f.driver, f.request()));
  }
  SECTION("an exception while it boots") {
    f.events.throw_at.insert("run sh tt"); // the boot check
    REQUIRE_FALSE(cluster::start(f.env, f.driver, f.request()));
  }
  SECTION("an interrupt while it boots") {
    f.events.on["start_node tt"] = [] { core::simulate_interrupt(SIGINT); };
    auto result = cluster::start(f.env, f.driver, f.request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::interrupted);
  }
  CHECK(f.removals().empty());
  CHECK(f.profile_exists());
  CHECK(f.machine_exists());
  CHECK(f.driver.states.contains("tt"));
  CHECK(f.driver.volumes.contains("tt"));
}

TEST_CASE("a restart whose container is gone reuses the node's data and keeps it on failure",
          "[cluster][start]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  f.driver.states.erase("tt"); // the container was removed by hand; its volume is still there
  f.events.fail_at.insert("write /home/docker/.ssh/authorized_keys tt");
  REQUIRE_FALSE(cluster::start(f.env, f.driver, f.request()));
  CHECK(f.removals() == Undo{"remove_container tt"}); // the new container only, never the data
  CHECK(f.driver.volumes.contains("tt"));
  CHECK(f.profile_exists());
  CHECK(f.machine_exists());
}

TEST_CASE("stop goes last node first - delete removes nodes last first, then the network and the profile",
          "[cluster][lifecycle]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  auto config = **f.env.store.load("tt");
  config.nodes.push_back({"tt-m02", "192.168.49.3", false, {}});
  config.nodes.push_back({"tt-m03", "192.168.49.4", false, {}});
  REQUIRE(f.env.store.save(config));
  f.driver.states["tt-m02"] = driver::State::running;
  f.driver.states["tt-m03"] = driver::State::running;

  auto mark = f.events.events.size();
  REQUIRE(cluster::stop(f.env, f.driver, "tt") == 3);
  std::vector<std::string> stops;
  for (const auto& e : f.events.since(mark))
    if (e.rfind("stop_node", 0) == 0) stops.push_back(e);
  CHECK(stops == std::vector<std::string>{"stop_node tt-m03", "stop_node tt-m02", "stop_node tt"});

  mark = f.events.events.size();
  REQUIRE(cluster::remove(f.env, f.driver, "tt") == true);
  std::vector<std::string> removed;
  for (const auto& e : f.events.since(mark))
    if (e.rfind("remove", 0) == 0) removed.push_back(e);
  CHECK(removed == std::vector<std::string>{"remove_node tt-m03", "remove_node tt-m02", "remove_node tt",
                                            "remove_network tt"});
  CHECK_FALSE(f.profile_exists());
  CHECK_FALSE(f.machine_exists());
}

TEST_CASE("a delete that fails halfway completes when run again", "[cluster][lifecycle]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  auto config = **f.env.store.load("tt");
  config.nodes.push_back({"tt-m02", "192.168.49.3", false, {}});
  REQUIRE(f.env.store.save(config));
  f.driver.states["tt-m02"] = driver::State::running;
  f.events.fail_at.insert("remove_node tt");
  REQUIRE_FALSE(cluster::remove(f.env, f.driver, "tt"));
  CHECK(f.profile_exists()); // the profile goes last, so the next delete finds what is left
  f.events.fail_at.clear();
  REQUIRE(cluster::remove(f.env, f.driver, "tt") == true);
  CHECK_FALSE(f.profile_exists());
  CHECK(f.driver.states.empty());
  CHECK(f.driver.volumes.empty());
  CHECK(f.driver.networks.empty());
}
