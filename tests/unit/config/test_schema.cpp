// SPDX-License-Identifier: Apache-2.0
#include "mk/config/cluster.hpp"

#include <catch2/catch.hpp>

using namespace mk;

TEST_CASE("profiles carry their format version - older ones are read as version 1", "[config]") {
  config::ClusterConfig c;
  c.name = "dev";
  auto text = config::to_json_text(c);
  CHECK(text.find("\"schema_version\": 2") != std::string::npos);
  CHECK(config::cluster_from_json_text(text)->schema_version == config::k_schema_version);

  auto legacy = config::cluster_from_json_text(R"({"name": "dev", "kubernetes": {"initialized": false}})");
  REQUIRE(legacy);
  CHECK(legacy->schema_version == 1);
  // saved again, it keeps its version until a start upgrades it
  CHECK(config::to_json_text(*legacy).find("\"schema_version\": 1") != std::string::npos);
}

TEST_CASE("a profile from a newer mk is refused, not misread", "[config]") {
  auto newer = config::cluster_from_json_text(R"({"schema_version": 99, "name": "dev"})");
  REQUIRE_FALSE(newer);
  CHECK(newer.error().message.find("99") != std::string::npos);
}
