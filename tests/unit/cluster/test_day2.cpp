// SPDX-License-Identifier: Apache-2.0
// Pure logic of the day-2 commands: which way mk cp copies, which lines mk logs --problems keeps.
#include "mk/cluster/copy.hpp"
#include "mk/cluster/logs.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace mk;

namespace {
config::ClusterConfig two_nodes() {
  config::ClusterConfig config;
  config.name = "cp";
  config.nodes.resize(2);
  config.nodes[0].name = "cp";
  config.nodes[1].name = "cp-m02";
  return config;
}
} // namespace

TEST_CASE("mk cp: a host file goes to the primary, or to the named node", "[day2]") {
  auto file = std::filesystem::temp_directory_path() / "mk-test-cp-source.txt";
  std::ofstream(file) << "x";
  auto plan = cluster::plan_copy(two_nodes(), file.string(), "/tmp/x");
  REQUIRE(plan);
  CHECK(plan->source.node.empty());
  CHECK(plan->destination.node == "cp");
  CHECK(plan->destination.path == "/tmp/x");
  plan = cluster::plan_copy(two_nodes(), file.string(), "cp-m02:/tmp/y");
  REQUIRE(plan);
  CHECK(plan->destination.node == "cp-m02");
  CHECK(plan->destination.path == "/tmp/y");
  auto relative = cluster::plan_copy(two_nodes(), file.string(), "cp-m02:tmp/y");
  REQUIRE(!relative);
  CHECK(relative.error().code == ErrorCode::usage);
  std::filesystem::remove(file);
}

TEST_CASE("mk cp: NODE:PATH or a node's absolute path comes to the host", "[day2]") {
  auto plan = cluster::plan_copy(two_nodes(), "cp-m02:/etc/hostname", "/tmp/h");
  REQUIRE(plan);
  CHECK(plan->source.node == "cp-m02");
  CHECK(plan->destination.node.empty());
  plan = cluster::plan_copy(two_nodes(), "/etc/mk-no-such-host-file", "/tmp/h");
  REQUIRE(plan);
  CHECK(plan->source.node == "cp");
  auto both = cluster::plan_copy(two_nodes(), "cp:/a", "cp-m02:/b");
  REQUIRE(!both);
  CHECK(both.error().code == ErrorCode::usage);
  auto missing = cluster::plan_copy(two_nodes(), "relative-missing.txt", "cp:/b");
  REQUIRE(!missing);
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE("mk logs --problems keeps section headers and problem lines", "[day2]") {
  auto text = cluster::problem_lines("==> kubelet <==\n"
                                     "I1129 09:00:00.000 1 ok.go:1] all good\n"
                                     "E1129 09:00:01.000 1 pod_workers.go:191] Error syncing pod\n"
                                     "==> etcd [abc] <==\n"
                                     "2026 I | serving\n");
  CHECK(text == "==> kubelet <==\n"
                "E1129 09:00:01.000 1 pod_workers.go:191] Error syncing pod\n"
                "==> etcd [abc] <==\n"
                "(no problems found)\n");
}
