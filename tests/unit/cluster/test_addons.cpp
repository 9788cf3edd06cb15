// SPDX-License-Identifier: Apache-2.0
// `mk addons enable|disable` control flow with a fake driver and node: what a stopped or paused cluster gets,
// which commands run in a running one, and what the profile records.
#include "fake_env.hpp"
#include "mk/cluster/addons.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/exec/local_runner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

using namespace mk;
using testing::EventLog;
using testing::FakeDriver;

namespace {

struct Fixture : testing::FakeClusterEnv {
  Fixture() : FakeClusterEnv("addons") {
    config::ClusterConfig config;
    config.name = "ad";
    config.driver = "fake";
    config.kubernetes.version = "v1.20.2";
    config.nodes.push_back({});
    config.nodes.back().name = "ad";
    REQUIRE(env.store.save(config));
  }
  config::ClusterConfig profile() { return **env.store.load("ad"); }
  size_t node_commands() {
    return static_cast<size_t>(std::count_if(events.events.begin(), events.events.end(), [](const auto& e) {
      return e.starts_with("run ") || e.starts_with("write ");
    }));
  }
};

} // namespace

TEST_CASE("addons: enabling on a stopped cluster records it for the next start and runs nothing",
          "[addons]") {
  Fixture f;
  f.driver.states["ad"] = driver::State::stopped;
  auto outcome = cluster::change_addon(f.env, f.driver, "ad", {"registry", true, {}, {}, {}});
  REQUIRE(outcome);
  CHECK(*outcome == cluster::AddonOutcome::recorded);
  CHECK(f.profile().addons.at("registry"));
  CHECK(f.node_commands() == 0);
}

TEST_CASE("addons: a running cluster gets the manifests applied, then the profile records it", "[addons]") {
  Fixture f;
  f.driver.states["ad"] = driver::State::running;
  auto outcome = cluster::change_addon(f.env, f.driver, "ad",
                                       {"registry", true, {{"Registry", "me/registry:1"}}, {}, {}});
  REQUIRE(outcome);
  CHECK(*outcome == cluster::AddonOutcome::applied);
  CHECK(f.node_commands() >= 1);
  auto config = f.profile();
  CHECK(config.addons.at("registry"));
  CHECK(config.custom_addon_images.at("Registry") == "me/registry:1");
}

TEST_CASE("addons: a failed copy into the node leaves the profile as it was", "[addons]") {
  Fixture f;
  f.driver.states["ad"] = driver::State::running;
  f.events.fail_at.insert("run tar ad"); // the manifests' copy into the node
  auto outcome = cluster::change_addon(f.env, f.driver, "ad", {"registry", true, {}, {}, {}});
  REQUIRE(!outcome);
  CHECK(!f.profile().addons.contains("registry"));
}

TEST_CASE("addons: a paused cluster is refused and nothing changes", "[addons]") {
  Fixture f;
  auto config = f.profile();
  config.paused = true;
  REQUIRE(f.env.store.save(config));
  f.driver.states["ad"] = driver::State::running;
  auto outcome = cluster::change_addon(f.env, f.driver, "ad", {"registry", true, {}, {}, {}});
  REQUIRE(!outcome);
  CHECK(outcome.error().code == ErrorCode::conflict);
  CHECK(!f.profile().addons.contains("registry"));
  CHECK(f.node_commands() == 0);
}

TEST_CASE("addons: unknown addons and image roles are usage errors", "[addons]") {
  Fixture f;
  auto unknown = cluster::change_addon(f.env, f.driver, "ad", {"registy", true, {}, {}, {}});
  REQUIRE(!unknown);
  CHECK(unknown.error().code == ErrorCode::usage);
  auto role =
      cluster::change_addon(f.env, f.driver, "ad", {"registry", true, {{"Dashboard", "x:1"}}, {}, {}});
  REQUIRE(!role);
  CHECK(role.error().code == ErrorCode::usage);
  CHECK(role.error().message.find("Registry") != std::string::npos);
  cluster::StartFlags flags;
  flags.profile = "ad";
  flags.addons = "registry,nope";
  auto request = cluster::validate_start_flags(flags, {2, 8192});
  REQUIRE(!request);
  CHECK(request.error().code == ErrorCode::usage);
}

TEST_CASE("addons: disabling on a running cluster deletes the objects of its files", "[addons]") {
  Fixture f;
  f.driver.states["ad"] = driver::State::running;
  auto outcome = cluster::change_addon(f.env, f.driver, "ad", {"storage-provisioner", false, {}, {}, {}});
  REQUIRE(outcome);
  CHECK(!f.profile().addons.at("storage-provisioner"));
  CHECK(std::find(f.events.events.begin(), f.events.events.end(), "run sh ad") != f.events.events.end());
}
