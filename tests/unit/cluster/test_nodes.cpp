// SPDX-License-Identifier: Apache-2.0
// Multi-node control flow with a fake driver and nodes (clusters without Kubernetes): names, addresses, what
// a failure or an interrupt of a multi-node start or a node add leaves, and the node commands' refusals.
#include "fake_env.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/lifecycle.hpp"
#include "mk/cluster/nodes.hpp"
#include "mk/cluster/pause.hpp"
#include "mk/cluster/pod_network.hpp"
#include "mk/cluster/start.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/exec/local_runner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <random>

using namespace mk;
using testing::EventLog;
using testing::FakeDriver;

namespace {

struct Fixture : testing::FakeClusterEnv {
  Fixture() : FakeClusterEnv("nodes") {}

  cluster::StartRequest request(std::string nodes = {}) {
    cluster::StartFlags flags;
    flags.profile = "tt";
    flags.no_kubernetes = true;
    flags.base_image = "example.test/node:1";
    flags.nodes = std::move(nodes);
    auto request = cluster::validate_start_flags(flags, {2, 8192});
    if (!request) FAIL(request.error().summary());
    return *request;
  }
  std::vector<std::string> node_names() {
    std::vector<std::string> names;
    if (auto config = env.store.load("tt"); config && *config)
      for (const auto& node : (*config)->nodes)
        names.push_back(node.name);
    return names;
  }
  std::vector<std::string> events_starting(std::string_view prefix, size_t from = 0) {
    std::vector<std::string> out;
    for (const auto& e : events.since(from))
      if (e.rfind(prefix, 0) == 0) out.push_back(e);
    return out;
  }
};

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("a start with --nodes=3 makes the primary, then workers -m02 and -m03 at the gateway + 2, 3, 4",
          "[cluster][nodes]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request("3")));
  CHECK(f.node_names() == Names{"tt", "tt-m02", "tt-m03"});
  auto created = f.events_starting("create_node");
  REQUIRE(created.size() == 3);
  CHECK(created[0] == "create_node tt"); // the workers after the primary (together)
  std::sort(created.begin(), created.end());
  CHECK(created == Names{"create_node tt", "create_node tt-m02", "create_node tt-m03"});
  CHECK(f.driver.addresses.at("tt") == "192.168.49.2");
  CHECK(f.driver.addresses.at("tt-m02") == "192.168.49.3");
  CHECK(f.driver.addresses.at("tt-m03") == "192.168.49.4");
  auto config = **f.env.store.load("tt");
  CHECK(config.highest_node_number == 3);
  CHECK_FALSE(config.nodes[1].control_plane);
  // the workers' SSH keys are their own
  CHECK(std::filesystem::exists(f.env.paths.machine_dir("tt-m03") / "id_rsa"));
}

TEST_CASE("a new multi-node start that fails at its last node undoes every node, the network and the profile",
          "[cluster][nodes]") {
  Fixture f;
  f.events.fail_at.insert("create_node tt-m03");
  REQUIRE_FALSE(cluster::start(f.env, f.driver, f.request("3")));
  // the workers' undo comes first, then the primary's, then the network
  CHECK(f.events_starting("remove") == Names{"remove_node tt-m02", "remove_node tt", "remove_network tt"});
  CHECK(f.driver.states.empty());
  CHECK_FALSE(std::filesystem::exists(f.env.paths.profile_dir("tt")));
}

TEST_CASE(
    "a start with --nodes on an existing cluster must match its node count - podman refuses several nodes",
    "[cluster][nodes]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request("2")));
  auto again = cluster::start(f.env, f.driver, f.request("3"));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::usage);
  CHECK(again.error().advice.find("mk node add") != std::string::npos);
  CHECK(cluster::start(f.env, f.driver, f.request("2")));
  CHECK(cluster::start(f.env, f.driver, f.request()));
  CHECK(f.node_names() == Names{"tt", "tt-m02"});

  Fixture g;
  g.driver.refusal = "single-node only";
  auto refused = cluster::start(g.env, g.driver, g.request("2"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::usage);
  CHECK(g.events.events.empty());
  REQUIRE(cluster::start(g.env, g.driver, g.request()));
  auto add = cluster::add_node(g.env, g.driver, "tt");
  REQUIRE_FALSE(add);
  CHECK(add.error().code == ErrorCode::usage);
}

TEST_CASE("a restart starts the primary, then every worker", "[cluster][nodes]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request("3")));
  REQUIRE(cluster::stop(f.env, f.driver, "tt") == 3);
  auto mark = f.events.events.size();
  REQUIRE(cluster::start(f.env, f.driver, f.request()));
  // the workers start together, after the control plane
  auto started = f.events_starting("start_node", mark);
  REQUIRE(started.size() == 3);
  CHECK(started[0] == "start_node tt");
  std::sort(started.begin(), started.end());
  CHECK(started == Names{"start_node tt", "start_node tt-m02", "start_node tt-m03"});
  CHECK(f.events_starting("create_node", mark).empty());
}

TEST_CASE("node add takes the number after the highest ever used - a failure removes only the new node",
          "[cluster][nodes]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request("2")));
  REQUIRE(cluster::delete_node(f.env, f.driver, "tt", "tt-m02"));
  CHECK(f.node_names() == Names{"tt"});
  CHECK(f.events_starting("remove") == Names{"remove_node tt-m02"});

  auto added = cluster::add_node(f.env, f.driver, "tt");
  REQUIRE(added);
  CHECK(*added == "tt-m03"); // never tt-m02 again
  CHECK(f.driver.addresses.at("tt-m03") == "192.168.49.4");

  auto mark = f.events.events.size();
  SECTION("a failure") {
    f.events.fail_at.insert("write /home/docker/.ssh/authorized_keys tt-m04");
  }
  SECTION("an interrupt") {
    f.events.on["create_node tt-m04"] = [] { core::simulate_interrupt(SIGINT); };
  }
  auto failed = cluster::add_node(f.env, f.driver, "tt");
  REQUIRE_FALSE(failed);
  CHECK(f.events_starting("remove", mark) == Names{"remove_node tt-m04"});
  CHECK(f.node_names() == Names{"tt", "tt-m03"});
  CHECK(f.driver.states.at("tt") == driver::State::running);
  CHECK(f.driver.states.at("tt-m03") == driver::State::running);
  CHECK_FALSE(std::filesystem::exists(f.env.paths.machine_dir("tt-m04")));
  CHECK((**f.env.store.load("tt")).highest_node_number == 4);
}

TEST_CASE("node commands refuse the primary's delete, unknown names and a stopped cluster",
          "[cluster][nodes]") {
  Fixture f;
  REQUIRE(cluster::start(f.env, f.driver, f.request("2")));
  auto primary = cluster::delete_node(f.env, f.driver, "tt", "tt");
  REQUIRE_FALSE(primary);
  CHECK(primary.error().code == ErrorCode::usage);
  CHECK(primary.error().advice.find("mk delete") != std::string::npos);
  auto unknown = cluster::delete_node(f.env, f.driver, "tt", "tt-m09");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK(unknown.error().advice.find("tt, tt-m02") != std::string::npos);
  CHECK_FALSE(cluster::stop_node(f.env, f.driver, "tt", "tt-m09"));

  REQUIRE(cluster::stop_node(f.env, f.driver, "tt", "tt-m02") == true);
  CHECK(f.driver.states.at("tt-m02") == driver::State::stopped);
  CHECK(f.driver.states.at("tt") == driver::State::running);
  REQUIRE(cluster::start_node(f.env, f.driver, "tt", "tt-m02"));
  CHECK(f.driver.states.at("tt-m02") == driver::State::running);

  REQUIRE(cluster::stop(f.env, f.driver, "tt") == 2);
  auto add = cluster::add_node(f.env, f.driver, "tt");
  REQUIRE_FALSE(add);
  CHECK(add.error().advice.find("mk start") != std::string::npos);
  CHECK(f.node_names() == Names{"tt", "tt-m02"});
}

TEST_CASE("pod CIDRs are the cluster CIDR's /24s by node number - routes go to the other nodes",
          "[cluster]") {
  CHECK(cluster::node_pod_cidr("10.244.0.0/16", 1) == "10.244.0.0/24");
  CHECK(cluster::node_pod_cidr("10.244.0.0/16", 3) == "10.244.2.0/24");
  CHECK(cluster::node_pod_cidr("10.244.0.0/16", 256) == "10.244.255.0/24");
  CHECK_FALSE(cluster::node_pod_cidr("10.244.0.0/16", 257));
  CHECK_FALSE(cluster::node_pod_cidr("10.244.0.0/25", 1));
  config::ClusterConfig c;
  c.nodes = {{"mk", "192.168.49.2", true, {}, "10.244.0.0/24"},
             {"mk-m02", "192.168.49.3", false, {}, "10.244.1.0/24"},
             {"mk-m03", "192.168.49.4", false, {}, ""}}; // not known yet: no route to it
  CHECK(cluster::pod_routes_for(c, "mk") == std::vector<kube::PodRoute>{{"10.244.1.0/24", "192.168.49.3"}});
  CHECK(cluster::pod_routes_for(c, "mk-m03") ==
        std::vector<kube::PodRoute>{{"10.244.0.0/24", "192.168.49.2"}, {"10.244.1.0/24", "192.168.49.3"}});
}

TEST_CASE("pause freezes the chosen namespaces' running containers and records them - unpause thaws those",
          "[cluster]") {
  auto pause = cluster::pause_script();
  CHECK(pause.find("systemctl stop kubelet") != std::string::npos);
  CHECK(pause.find("crictl ps -q --state running --label io.kubernetes.pod.namespace=\"$namespace\"") !=
        std::string::npos);
  CHECK(pause.find("ctr -n k8s.io tasks pause \"$id\" && echo \"$id\" >>\"$record\"") != std::string::npos);
  CHECK(pause.find("record=/var/lib/mk/paused") != std::string::npos);
  auto unpause = cluster::unpause_script(true);
  CHECK(unpause.find("ctr -n k8s.io tasks resume \"$id\"") != std::string::npos);
  CHECK(unpause.find("systemctl start kubelet") != std::string::npos);
  CHECK(cluster::unpause_script(false).find("kubelet") == std::string::npos);
  CHECK(cluster::default_pause_namespaces() ==
        std::vector<std::string>{"kube-system", "kubernetes-dashboard", "istio-operator"});
}

TEST_CASE("a stopped worker sets the host and kubelet bits only - a paused control plane the component bit",
          "[cluster]") {
  cluster::ClusterStatus status{"mk",
                                {{"mk", true, "Running", "Running", "Running", "Configured"},
                                 {"mk-m02", false, "Stopped", "Stopped", "Irrelevant", "Irrelevant"}}};
  CHECK(cluster::status_exit_code(status) == 3);
  status.nodes[1] = {"mk-m02", false, "Running", "Stopped", "Irrelevant", "Irrelevant"};
  status.nodes[0] = {"mk", true, "Running", "Stopped", "Paused", "Configured"};
  CHECK(cluster::status_exit_code(status) == 2);
  auto text = cluster::format_status_text(status);
  CHECK(text.find("mk-m02\ntype: Worker\nhost: Running\nkubelet: Stopped\n\n") != std::string::npos);
}
