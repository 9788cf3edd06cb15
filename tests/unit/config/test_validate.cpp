// SPDX-License-Identifier: Apache-2.0
#include "mk/config/validate.hpp"

#include <catch2/catch.hpp>

using namespace mk;

TEST_CASE("profile names follow the rules of container and node names", "[config]") {
  for (auto good : {"mk", "dev", "my-cluster", "team.a", "a1", "x-m1", "k8s-1.20"}) {
    INFO(good);
    CHECK(config::validate_profile_name(good));
  }
  for (auto bad : {"", "a", "UPPER", "-lead", "trail-", "sp ace", "under_score", "a..b", "a.-b", "mk-m02",
                   "x/y", "0123456789012345678901234567890123456789012345678901234567890123"}) {
    INFO(bad);
    auto result = config::validate_profile_name(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::usage);
    CHECK(result.error().message.find("invalid profile name") == 0);
  }
}

TEST_CASE("a profile's node names are the profile name and <profile>-mNN", "[config]") {
  for (auto good : {"dev", "dev-m02", "dev-m10", "dev-m99", "dev-m100"}) {
    INFO(good);
    CHECK(config::is_node_name_of("dev", good));
  }
  for (auto bad : {"", "de", "dev2", "other", "../dev", "dev/..", "dev-m01", "dev-m00", "dev-m2", "dev-m002",
                   "dev-m", "dev-", "dev-m-2", "dev-m+2", "dev-m02x", "dev-m02/../x", "x-dev-m02"}) {
    INFO(bad);
    CHECK_FALSE(config::is_node_name_of("dev", bad));
  }
}

TEST_CASE("disk size flag accepts sizes in MB and GB of at least 4096 MB", "[config]") {
  CHECK(config::parse_disk_size("20000mb").value() == 20000);
  CHECK(config::parse_disk_size("20g").value() == 20480);
  CHECK(config::parse_disk_size("4096").value() == 4096);
  for (auto bad : {"", "abc", "no-limit", "1g", "4095", "3t"}) {
    INFO(bad);
    auto result = config::parse_disk_size(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::usage);
    CHECK(result.error().message.find("--disk-size") != std::string::npos);
  }
}

TEST_CASE("memory flag accepts sizes in MiB and GiB and no-limit", "[config]") {
  CHECK(config::parse_memory("3072").value() == 3072);
  CHECK(config::parse_memory("3072mb").value() == 3072);
  CHECK(config::parse_memory("3072M").value() == 3072);
  CHECK(config::parse_memory("4g").value() == 4096);
  CHECK(config::parse_memory("4GB").value() == 4096);
  CHECK(config::parse_memory("no-limit").value() == 0);
  for (auto bad : {"", "abc", "-5", "4t", "12.5g", "1g", "1000mb"}) {
    INFO(bad);
    auto result = config::parse_memory(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::usage);
    CHECK(result.error().message.find("--memory") != std::string::npos);
  }
}

TEST_CASE("cpus flag accepts a count within the machine, max and no-limit", "[config]") {
  CHECK(config::parse_cpus("2", 4).value() == 2);
  CHECK(config::parse_cpus("max", 4).value() == 4);
  CHECK(config::parse_cpus("no-limit", 4).value() == 0);
  for (auto bad : {"0", "-1", "two", "1.5", "", "5"}) {
    INFO(bad);
    REQUIRE_FALSE(config::parse_cpus(bad, 4));
  }
}

TEST_CASE("subnet flag must be a private network between /16 and /29", "[config]") {
  CHECK(config::validate_subnet("192.168.100.0/24").value() == "192.168.100.0/24");
  CHECK(config::validate_subnet("10.5.0.0/16").value() == "10.5.0.0/16");
  CHECK(config::validate_subnet("172.20.3.7").value() == "172.20.3.0/24");
  for (auto bad : {"8.8.8.0/24", "192.168.1.5/24", "10.0.0.0/8", "192.168.1.0/30", "300.1.1.0/24", "nope"}) {
    INFO(bad);
    auto result = config::validate_subnet(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("--subnet") != std::string::npos);
  }
}

TEST_CASE("static-ip flag must be a private node address", "[config]") {
  CHECK(config::validate_static_ip("192.168.200.10"));
  for (auto bad : {"192.168.200.1", "192.168.200.255", "8.8.8.8", "1.2.3", "a.b.c.d"}) {
    INFO(bad);
    CHECK_FALSE(config::validate_static_ip(bad));
  }
}

TEST_CASE("image references are checked for shape", "[config]") {
  CHECK(config::validate_image_reference("gcr.io/k8s-minikube/kicbase:v0.0.50@sha256:abc", "--base-image"));
  CHECK(config::validate_image_reference("mk-local/node:1", "--base-image"));
  CHECK(config::validate_image_reference("172.17.0.1:5000/google_containers", "--image-repository"));
  for (auto bad : {"", "has space", "http://x/y", "name:", "trailing/"}) {
    INFO(bad);
    auto result = config::validate_image_reference(bad, "--base-image");
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("--base-image") != std::string::npos);
  }
}
