// SPDX-License-Identifier: Apache-2.0
#include "mk/k8s/version.hpp"

#include <catch2/catch.hpp>

using namespace mk;
using k8s::KubeadmApi;
using k8s::Version;

TEST_CASE("versions parse with or without the v prefix and print with it", "[kube]") {
  CHECK(k8s::resolve_version("v1.23.3").value() == Version{1, 23, 3});
  CHECK(k8s::resolve_version("1.20.2").value() == Version{1, 20, 2});
  CHECK(k8s::resolve_version("v1.35.1").value().to_string() == "v1.35.1");
  CHECK(Version{1, 9, 0} < Version{1, 10, 0});
  CHECK(Version{1, 23, 10} > Version{1, 23, 9});
}

TEST_CASE("stable is the default version and latest the newest supported", "[kube]") {
  CHECK(k8s::resolve_version("stable").value() == k8s::k_default);
  CHECK(k8s::resolve_version("latest").value() == k8s::k_newest_supported);
  CHECK(k8s::k_default.to_string() == "v1.35.1");
  CHECK(k8s::k_oldest_supported.to_string() == "v1.20.0");
  CHECK(k8s::k_newest_supported.minor == 35);
  CHECK(k8s::k_default <= k8s::k_newest_supported);
}

TEST_CASE("malformed versions are usage errors naming the flag and the range", "[kube]") {
  for (auto text : {"", "v", "1.23", "v1.23", "1.23.3.4", "v1.23.x", "v1.23.3-rc.1", "V1.23.3", "v01.23.3",
                    "v1.23.-1", "v1..3", " v1.23.3", "newest", "Stable"}) {
    INFO("text: \"" << text << "\"");
    auto version = k8s::resolve_version(text);
    REQUIRE_FALSE(version);
    CHECK(version.error().code == ErrorCode::usage);
    CHECK_THAT(version.error().message, Catch::Contains("--kubernetes-version"));
    CHECK_THAT(version.error().message, Catch::Contains("v1.20.0"));
    CHECK(version.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("versions outside the supported range need force", "[kube]") {
  auto old = k8s::resolve_version("v1.19.16");
  REQUIRE_FALSE(old);
  CHECK(old.error().code == ErrorCode::usage);
  CHECK_THAT(old.error().message, Catch::Contains("--kubernetes-version v1.19.16"));
  CHECK_THAT(old.error().message, Catch::Contains("v1.20.0 to " + k8s::k_newest_supported.to_string()));
  CHECK_THAT(old.error().message, Catch::Contains("--force"));

  auto next = Version{1, k8s::k_newest_supported.minor, k8s::k_newest_supported.patch + 1};
  auto too_new = k8s::resolve_version(next.to_string());
  REQUIRE_FALSE(too_new);
  CHECK(too_new.error().code == ErrorCode::usage);
  CHECK_THAT(too_new.error().message, Catch::Contains("newer"));
  CHECK_FALSE(k8s::resolve_version("v1.36.0"));
  CHECK_FALSE(k8s::resolve_version("v2.0.0"));

  CHECK(k8s::resolve_version("v1.19.16", true).value() == Version{1, 19, 16});
  CHECK(k8s::resolve_version("v1.36.2", true).value() == Version{1, 36, 2});
  CHECK(k8s::resolve_version("v1.20.0").value() == k8s::k_oldest_supported);
  CHECK(k8s::resolve_version(k8s::k_newest_supported.to_string()).value() == k8s::k_newest_supported);
  CHECK_FALSE(k8s::resolve_version("v1.2x.0", true)); // force never accepts malformed text
}

TEST_CASE("the kubeadm API follows the version", "[kube]") {
  CHECK(k8s::kubeadm_api_for({1, 20, 0}) == KubeadmApi::v1beta2);
  CHECK(k8s::kubeadm_api_for({1, 22, 17}) == KubeadmApi::v1beta2);
  CHECK(k8s::kubeadm_api_for({1, 23, 0}) == KubeadmApi::v1beta3);
  CHECK(k8s::kubeadm_api_for({1, 30, 14}) == KubeadmApi::v1beta3);
  CHECK(k8s::kubeadm_api_for({1, 31, 0}) == KubeadmApi::v1beta4);
  CHECK(k8s::kubeadm_api_for({1, 35, 1}) == KubeadmApi::v1beta4);
  CHECK(k8s::api_version_string(KubeadmApi::v1beta3) == "kubeadm.k8s.io/v1beta3");
}
