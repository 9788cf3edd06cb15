// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/manifest.hpp"

#include <catch2/catch.hpp>

using mk::ErrorCode;
using mk::registry::Descriptor;
using mk::registry::parse_manifest;
using mk::registry::Platform;
using mk::registry::select_platform;
using mk::registry::sha256_hex_of;

namespace {

std::string digest(char c) {
  return "sha256:" + std::string(64, c);
}

Descriptor entry(const std::string& os, const std::string& architecture, const std::string& variant, char c) {
  return {std::string(mk::registry::k_oci_manifest), digest(c), 100, Platform{os, architecture, variant}};
}

} // namespace

TEST_CASE("parse_manifest reads image manifests", "[registry]") {
  auto body = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
    "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":")" +
              digest('a') + R"("},
    "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1234,"digest":")" +
              digest('b') + R"("}]})";
  auto manifest = parse_manifest(body, "").value();
  CHECK(manifest.media_type == mk::registry::k_docker_manifest);
  CHECK_FALSE(manifest.is_index);
  CHECK(manifest.config.digest == digest('a'));
  CHECK(manifest.config.size == 7);
  REQUIRE(manifest.layers.size() == 1);
  CHECK(manifest.layers[0].digest == digest('b'));
  CHECK(manifest.layers[0].size == 1234);

  SECTION("the Content-Type wins over the body, parameters ignored") {
    auto typed = parse_manifest(body, "application/vnd.oci.image.manifest.v1+json; charset=utf-8").value();
    CHECK(typed.media_type == mk::registry::k_oci_manifest);
  }
  SECTION("an OCI manifest without mediaType is recognised by its fields") {
    auto oci = R"({"schemaVersion":2,"config":{"digest":")" + digest('a') + R"(","size":1},"layers":[]})";
    CHECK(parse_manifest(oci, "application/json").value().media_type == mk::registry::k_oci_manifest);
  }
}

TEST_CASE("parse_manifest reads indexes and manifest lists", "[registry]") {
  auto body = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":5,"digest":")" +
              digest('c') + R"(","platform":{"os":"linux","architecture":"arm","variant":"v7"}}]})";
  auto manifest = parse_manifest(body, "").value();
  CHECK(manifest.is_index);
  REQUIRE(manifest.manifests.size() == 1);
  REQUIRE(manifest.manifests[0].platform);
  CHECK(manifest.manifests[0].platform->architecture == "arm");
  CHECK(manifest.manifests[0].platform->variant == "v7");
  CHECK(parse_manifest(R"({"manifests":[]})", "").value().media_type == mk::registry::k_oci_index);
}

TEST_CASE("parse_manifest rejects what it cannot pull", "[registry]") {
  auto fails = [](const std::string& body, const std::string& content_type, const std::string& words) {
    auto manifest = parse_manifest(body, content_type);
    REQUIRE_FALSE(manifest);
    CHECK(manifest.error().code == ErrorCode::network);
    CHECK_THAT(manifest.error().message, Catch::Contains(words));
  };
  fails("not json", "", "not a JSON object");
  fails(R"({"schemaVersion":1,"fsLayers":[]})", "", "schema 1");
  fails(R"({"mediaType":"application/x-unknown","layers":[]})", "", "unsupported manifest media type");
  fails(R"({"config":{"digest":"sha512:abc"},"layers":[]})", "", "sha256 only");
  fails(R"({"config":{"digest":"sha256:../../etc/passwd"},"layers":[]})", "", "unsupported digest");
  fails(R"({"schemaVersion":2,"layers":[]})", mk::registry::k_oci_manifest.data(), "no \"config\"");
  fails(R"({"schemaVersion":2})", mk::registry::k_oci_index.data(), "no \"manifests\"");
}

TEST_CASE("select_platform picks the entry for the platform", "[registry]") {
  std::vector<Descriptor> index{entry("unknown", "unknown", "", 'u'), entry("linux", "arm", "v6", '6'),
                                entry("linux", "arm", "v7", '7'),     entry("linux", "arm64", "v8", '8'),
                                entry("linux", "amd64", "", 'a'),     entry("windows", "amd64", "", 'w')};
  CHECK(select_platform(index, "linux", "amd64")->digest == digest('a'));
  CHECK(select_platform(index, "windows", "amd64")->digest == digest('w'));
  CHECK(select_platform(index, "linux", "arm64")->digest == digest('8'));
  CHECK(select_platform(index, "linux", "arm/v7")->digest == digest('7'));
  CHECK(select_platform(index, "linux", "arm")->digest == digest('6'));
  CHECK_FALSE(select_platform(index, "linux", "arm/v5"));
  CHECK_FALSE(select_platform(index, "linux", "s390x"));
  index.push_back(entry("linux", "arm64", "", '9'));
  CHECK(select_platform(index, "linux", "arm64")->digest == digest('8')); // the first of the usual variants
}

TEST_CASE("sha256_hex_of accepts only sha256 digests", "[registry]") {
  CHECK(sha256_hex_of(digest('f')) == std::string(64, 'f'));
  CHECK(sha256_hex_of("sha256:" + std::string(64, 'F')).empty());
  CHECK(sha256_hex_of("sha256:abc").empty());
  CHECK(sha256_hex_of("sha512:" + std::string(64, 'a')).empty());
}
