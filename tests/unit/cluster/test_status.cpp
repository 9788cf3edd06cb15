// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/status.hpp"

#include <catch2/catch.hpp>
#include <ctime>

using namespace mk;

static cluster::ClusterStatus one(std::string host, std::string kubelet, std::string apiserver,
                                  std::string kubeconfig) {
  return {"mk",
          {{"mk", true, std::move(host), std::move(kubelet), std::move(apiserver), std::move(kubeconfig)}}};
}

TEST_CASE("status exit codes use minikube's bits", "[cluster]") {
  CHECK(cluster::status_exit_code(one("Running", "Running", "Running", "Configured")) == 0);
  CHECK(cluster::status_exit_code(one("Running", "Irrelevant", "Irrelevant", "Irrelevant")) == 0);
  CHECK(cluster::status_exit_code(one("Stopped", "Irrelevant", "Irrelevant", "Irrelevant")) == 1);
  CHECK(cluster::status_exit_code(one("Stopped", "Stopped", "Stopped", "Stopped")) == 7);
  CHECK(cluster::status_exit_code(one("Running", "Running", "Stopped", "Configured")) == 2);
  CHECK(cluster::status_exit_code(one("Running", "Running", "Running", "Misconfigured")) == 4);
  CHECK(cluster::status_exit_code({"mk", {}}) == 7);
}

TEST_CASE("status prints minikube's block and JSON", "[cluster]") {
  auto status = one("Running", "Irrelevant", "Irrelevant", "Irrelevant");
  CHECK(cluster::format_status_text(status) ==
        "mk\ntype: Control Plane\nhost: Running\nkubelet: Irrelevant\napiserver: Irrelevant\nkubeconfig: "
        "Irrelevant\n\n");
  CHECK(
      cluster::format_status_json(status) ==
      R"({"Name":"mk","Host":"Running","Kubelet":"Irrelevant","APIServer":"Irrelevant","Kubeconfig":"Irrelevant","Worker":false})"
      "\n");
}

TEST_CASE("a kubelet is alive while its node Lease was renewed within the lease's duration", "[cluster]") {
  std::tm at{};
  at.tm_year = 2026 - 1900;
  at.tm_mon = 10;
  at.tm_mday = 28;
  at.tm_hour = 22;
  at.tm_min = 59;
  at.tm_sec = 1;
  auto renewed = std::chrono::system_clock::from_time_t(::timegm(&at)) + std::chrono::microseconds(123456);
  std::string lease =
      R"({"kind":"Lease","spec":{"holderIdentity":"mk","leaseDurationSeconds":40,"renewTime":"2026-11-28T22:59:01.123456Z"}})";
  CHECK(cluster::lease_alive(lease, renewed + std::chrono::seconds(10)) == std::optional<bool>(true));
  CHECK(cluster::lease_alive(lease, renewed + std::chrono::seconds(40)) == std::optional<bool>(true));
  CHECK(cluster::lease_alive(lease, renewed + std::chrono::seconds(41)) == std::optional<bool>(false));
  CHECK_FALSE(cluster::lease_alive(R"({"spec":{"holderIdentity":"mk"}})", renewed).has_value());
  CHECK_FALSE(cluster::lease_alive("not json", renewed).has_value());
}

TEST_CASE("before its Lease exists, a kubelet is alive while the Node status it posted is recent",
          "[cluster]") {
  auto posted = *cluster::parse_kubernetes_time("2026-11-28T23:00:10Z");
  std::string node =
      R"({"status":{"conditions":[{"type":"Ready","status":"False","lastHeartbeatTime":"2026-11-28T23:00:10Z"}]}})";
  CHECK(cluster::node_heartbeat_alive(node, posted + std::chrono::seconds(3)) == std::optional<bool>(true));
  CHECK(cluster::node_heartbeat_alive(node, posted + std::chrono::seconds(40)) == std::optional<bool>(true));
  CHECK_FALSE(cluster::node_heartbeat_alive(node, posted + std::chrono::seconds(41)).has_value());
  CHECK_FALSE(cluster::node_heartbeat_alive(R"({"status":{}})", posted).has_value());
  CHECK_FALSE(cluster::node_heartbeat_alive("[", posted).has_value());
}

TEST_CASE("a node is Ready only in a status its kubelet sent since the start", "[cluster]") {
  auto since = *cluster::parse_kubernetes_time("2026-11-28T23:00:10.500000Z");
  auto node = [](std::string status, std::string heartbeat) {
    return R"({"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":")" +
           status + R"(","lastHeartbeatTime":")" + heartbeat + R"("}]}})";
  };
  CHECK(cluster::node_ready_in(node("True", "2026-11-28T23:00:12Z"), since) == std::optional<bool>(true));
  CHECK(cluster::node_ready_in(node("True", "2026-11-28T23:00:10Z"), since) ==
        std::optional<bool>(true)); // same second
  CHECK(cluster::node_ready_in(node("True", "2026-11-28T22:58:00Z"), since) ==
        std::optional<bool>(false)); // stale
  CHECK(cluster::node_ready_in(node("False", "2026-11-28T23:00:12Z"), since) == std::optional<bool>(false));
  CHECK_FALSE(cluster::node_ready_in("{", since).has_value());
  CHECK_FALSE(cluster::parse_kubernetes_time("yesterday").has_value());
}
