// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/status.hpp"

#include <catch2/catch.hpp>

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
