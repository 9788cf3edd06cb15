// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/client.hpp"

#include <catch2/catch.hpp>

using mk::registry::parse_challenge;
using mk::registry::RegistryClient;

TEST_CASE("parse_challenge reads a Bearer challenge", "[registry]") {
  auto challenge =
      parse_challenge(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
                      R"(scope="repository:library/busybox:pull,push")");
  CHECK(challenge.scheme == "Bearer");
  CHECK(challenge.parameters.at("realm") == "https://auth.docker.io/token");
  CHECK(challenge.parameters.at("service") == "registry.docker.io");
  CHECK(challenge.parameters.at("scope") == "repository:library/busybox:pull,push");

  auto spaced =
      parse_challenge(R"(  bearer Realm = "https://x/token" , error=invalid_token, service="a\"b")");
  CHECK(spaced.scheme == "bearer");
  CHECK(spaced.parameters.at("realm") == "https://x/token");
  CHECK(spaced.parameters.at("error") == "invalid_token");
  CHECK(spaced.parameters.at("service") == "a\"b");

  auto basic = parse_challenge(R"(Basic realm="Registry Realm")");
  CHECK(basic.scheme == "Basic");
  CHECK(basic.parameters.at("realm") == "Registry Realm");

  auto two = parse_challenge(R"(Bearer realm="r1", Basic realm="r2")");
  CHECK(two.parameters.at("realm") == "r1");
  CHECK(two.parameters.size() == 1);
}

TEST_CASE("RegistryClient builds repository URLs", "[registry]") {
  RegistryClient client("https://mirror.example.com/", "library/busybox");
  CHECK(client.url("manifests/1.36") == "https://mirror.example.com/v2/library/busybox/manifests/1.36");
  CHECK(client.auth_headers().empty());
  CHECK_FALSE(client.refresh_token().value());
}
