// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start_request.hpp"

#include <catch2/catch.hpp>

using namespace mk;

static const cluster::HostFacts k_host{4, 16000};

TEST_CASE("start flags: defaults for an empty command line", "[cluster]") {
  auto request = cluster::validate_start_flags({}, k_host);
  REQUIRE(request);
  CHECK(request->profile == "mk");
  CHECK(request->kubernetes);
  CHECK(request->cpus == 2);
  CHECK_FALSE(request->cpus_given);
  CHECK(request->memory_mb == 4000);
  CHECK(request->subnet.empty());
}

TEST_CASE("start flags: every invalid value is rejected with the flag's name", "[cluster]") {
  auto reject = [](cluster::StartFlags flags, const char* needle) {
    auto request = cluster::validate_start_flags(flags, k_host);
    REQUIRE_FALSE(request);
    CHECK(request.error().code == ErrorCode::usage);
    INFO(request.error().message);
    CHECK(request.error().message.find(needle) != std::string::npos);
  };
  cluster::StartFlags flags;
  flags.profile = "Bad_Name";
  reject(flags, "profile name");
  flags = {};
  flags.memory = "lots";
  reject(flags, "--memory");
  flags = {};
  flags.memory = "64g";
  reject(flags, "--memory");
  flags = {};
  flags.cpus = "16";
  reject(flags, "--cpus");
  flags = {};
  flags.subnet = "8.8.8.0/24";
  reject(flags, "--subnet");
  flags = {};
  flags.static_ip = "192.168.10.1";
  reject(flags, "--static-ip");
  flags = {};
  flags.subnet = "192.168.20.0/24";
  flags.static_ip = "192.168.30.5";
  reject(flags, "--static-ip");
  flags = {};
  flags.base_image = "not an image";
  reject(flags, "--base-image");
  flags = {};
  flags.no_kubernetes = true;
  flags.kubernetes_version = "v1.20.2";
  reject(flags, "--no-kubernetes");
}

TEST_CASE("start flags: a static IP implies its /24 subnet", "[cluster]") {
  cluster::StartFlags flags;
  flags.static_ip = "192.168.150.20";
  auto request = cluster::validate_start_flags(flags, k_host);
  REQUIRE(request);
  CHECK(request->subnet == "192.168.150.0/24");
  CHECK(request->static_ip == "192.168.150.20");
}

TEST_CASE("default memory is a quarter of the machine within bounds", "[cluster]") {
  CHECK(cluster::default_memory_mb(24000) == 6000);
  CHECK(cluster::default_memory_mb(8000) == 3072);
  CHECK(cluster::default_memory_mb(2000) == 1952);
}

TEST_CASE("the wait flag takes minikube's components, all and none", "[cluster]") {
  using cluster::WaitFor;
  CHECK(*cluster::parse_wait("") == WaitFor{true, true, false});
  CHECK(*cluster::parse_wait("none") == WaitFor{false, false, false});
  CHECK(*cluster::parse_wait("false") == WaitFor{false, false, false});
  CHECK(*cluster::parse_wait("all") == WaitFor{true, true, true});
  CHECK(*cluster::parse_wait("apiserver") == WaitFor{false, false, false});
  CHECK(*cluster::parse_wait("apiserver,system_pods") == WaitFor{false, false, true});
  CHECK(*cluster::parse_wait("kubelet,default_sa") == WaitFor{true, true, false});
  auto bad = cluster::parse_wait("apiserver,nodes");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::usage);
  CHECK(bad.error().message.find("\"nodes\"") != std::string::npos);
}

TEST_CASE("start flags: --nodes takes 1 to 99", "[cluster]") {
  auto with_nodes = [](std::string value) {
    cluster::StartFlags flags;
    flags.nodes = std::move(value);
    return cluster::validate_start_flags(flags, {2, 8192});
  };
  CHECK(with_nodes("")->nodes == 0);
  CHECK(with_nodes("1")->nodes == 1);
  CHECK(with_nodes("3")->nodes == 3);
  for (const char* bad : {"0", "-1", "100", "two", "2x", " 2"}) {
    auto result = with_nodes(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::usage);
    CHECK(result.error().message.find("--nodes") != std::string::npos);
  }
}
