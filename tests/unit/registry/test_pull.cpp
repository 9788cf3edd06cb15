// SPDX-License-Identifier: Apache-2.0
#include "mk/core/hash.hpp"
#include "mk/registry/manifest.hpp"
#include "mk/registry/pull.hpp"
#include "tests/unit/registry/registry_test_support.hpp"

#include <catch2/catch.hpp>

using mk::ErrorCode;
using mk::registry::parse_reference;
using mk::registry::pull_to_archive;
using mk::registry::PullOptions;
using mk::test::TempDir;
using mk::test::TestRegistry;
using nlohmann::json;

namespace fs = std::filesystem;

namespace {

// Pull options for the test registry, with a blob cache in `cache` and the progress lines kept in `lines`.
PullOptions options_for(const std::string& host, const TempDir& cache,
                        std::vector<std::string>* lines = nullptr) {
  PullOptions options;
  options.insecure_registries = {host};
  options.blob_cache = cache / "blobs";
  if (lines) options.progress = [lines](std::string_view line) { lines->emplace_back(line); };
  return options;
}

// The manifest `reference` (tag or digest) as the registry serves it.
std::string registry_manifest(const TestRegistry& registry, const std::string& repository,
                              const std::string& reference) {
  mk::net::HttpRequest request;
  request.url = registry.url("/v2/" + repository + "/manifests/" + reference);
  request.headers = {{"Accept", mk::registry::manifest_accept_header()}};
  auto response = mk::net::http_get(request).value();
  REQUIRE(response.head.status == 200);
  return response.body;
}

std::string blob_path(const std::string& digest) {
  return "blobs/sha256/" + digest.substr(7);
}

// Checks the layout files every archive has, and that every blob matches its name; index.json's one entry.
json check_layout(const std::map<std::string, std::string>& files) {
  REQUIRE(files.count("oci-layout") == 1);
  CHECK(json::parse(files.at("oci-layout"))["imageLayoutVersion"] == "1.0.0");
  for (const auto& [path, content] : files) {
    if (!path.starts_with("blobs/")) continue;
    INFO(path);
    CHECK(path == "blobs/sha256/" + mk::core::sha256_hex(content));
  }
  REQUIRE(files.count("index.json") == 1);
  auto index = json::parse(files.at("index.json"));
  CHECK(index["schemaVersion"] == 2);
  REQUIRE(index["manifests"].size() == 1);
  return index["manifests"][0];
}

void flip_first_byte(const fs::path& path) {
  auto content = mk::test::read_bytes(path);
  REQUIRE_FALSE(content.empty());
  content[0] = static_cast<char>(content[0] ^ 0x5a);
  mk::test::write_bytes(path, content);
}

} // namespace

TEST_CASE("pull_to_archive writes a single-platform image as an OCI layout", "[registry]") {
  TestRegistry registry;
  auto pushed = registry.push("test/single", "v1", "single");
  const auto& image = pushed["platforms"]["linux/amd64"];
  TempDir work;
  std::vector<std::string> lines;
  auto options = options_for(registry.host(), work, &lines);
  auto reference = parse_reference(registry.host() + "/test/single:v1").value();
  auto archive = work / "images" / "single.tar";

  auto status = pull_to_archive(reference, archive, options);
  REQUIRE(status);
  CHECK_FALSE(fs::exists(work / "images" / "single.tar.download"));
  auto files = mk::test::read_archive(archive);
  auto entry = check_layout(files);
  CHECK(entry["digest"] == pushed["digest"]);
  CHECK(entry["mediaType"] == mk::registry::k_docker_manifest);
  CHECK(entry["annotations"]["io.containerd.image.name"] == registry.host() + "/test/single:v1");
  CHECK(entry["annotations"]["org.opencontainers.image.ref.name"] == "v1");
  auto manifest = files.at(blob_path(pushed["digest"]));
  CHECK(entry["size"] == manifest.size());
  CHECK(manifest == registry_manifest(registry, "test/single", "v1"));
  CHECK(files.count(blob_path(image["config"])) == 1);
  for (const auto& layer : image["layers"])
    CHECK(files.count(blob_path(layer)) == 1);
  CHECK(files.size() == 3 + 1 + image["layers"].size());
  REQUIRE_FALSE(lines.empty());
  CHECK_THAT(lines.back(), Catch::Matches(R"(single: (\d+\.\d)/\1 MB)"));

  SECTION("a second pull takes the blobs from the cache") {
    auto blob_gets = registry.count_gets("/v2/test/single/blobs/");
    CHECK(blob_gets == 1 + image["layers"].size());
    REQUIRE(pull_to_archive(reference, work / "images" / "again.tar", options));
    CHECK(registry.count_gets("/v2/test/single/blobs/") == blob_gets);
    CHECK(mk::test::read_archive(work / "images" / "again.tar") == files);
  }
  SECTION("a pull by digest names the image with its digest and no tag") {
    auto by_digest = parse_reference(registry.host() + "/test/single@" + pushed["digest"].get<std::string>());
    REQUIRE(pull_to_archive(by_digest.value(), work / "digest.tar", options));
    auto pinned = check_layout(mk::test::read_archive(work / "digest.tar"));
    CHECK(pinned["annotations"]["io.containerd.image.name"] == by_digest->to_string());
    CHECK_FALSE(pinned["annotations"].contains("org.opencontainers.image.ref.name"));
  }
  SECTION("without a blob cache, a temporary one is used and removed") {
    options.blob_cache.clear();
    REQUIRE(pull_to_archive(reference, work / "nocache.tar", options));
    CHECK(mk::test::read_archive(work / "nocache.tar") == files);
    CHECK_FALSE(fs::exists(work / "nocache.tar.blobs"));
  }
}

TEST_CASE("pull_to_archive takes the platform's manifest from an OCI index", "[registry]") {
  TestRegistry registry;
  auto pushed = registry.push("test/multi", "v2", "index");
  const auto& amd64 = pushed["platforms"]["linux/amd64"];
  const auto& arm64 = pushed["platforms"]["linux/arm64/v8"];
  TempDir work;
  auto options = options_for(registry.host(), work);
  auto reference = parse_reference(registry.host() + "/test/multi:v2").value();

  REQUIRE(pull_to_archive(reference, work / "multi.tar", options));
  auto files = mk::test::read_archive(work / "multi.tar");
  auto entry = check_layout(files);
  CHECK(entry["digest"] == amd64["digest"]);
  CHECK(entry["mediaType"] == mk::registry::k_oci_manifest);
  CHECK(entry["platform"] == json{{"os", "linux"}, {"architecture", "amd64"}});
  CHECK(entry["annotations"]["io.containerd.image.name"] == registry.host() + "/test/multi:v2");
  CHECK(files.at(blob_path(amd64["digest"])) == registry_manifest(registry, "test/multi", amd64["digest"]));
  CHECK(files.count(blob_path(amd64["config"])) == 1);
  for (const auto& layer : amd64["layers"])
    CHECK(files.count(blob_path(layer)) == 1);
  CHECK(files.count(blob_path(pushed["digest"])) == 0); // the index itself is not kept
  CHECK(files.count(blob_path(arm64["digest"])) == 0);
  CHECK(files.count(blob_path(arm64["config"])) == 0);
  for (const auto& layer : arm64["layers"])
    CHECK(files.count(blob_path(layer)) == 0);
  for (const auto& layer : arm64["layers"])
    CHECK(registry.count_gets("/v2/test/multi/blobs/" + layer.get<std::string>()) == 0);

  SECTION("another architecture") {
    options.architecture = "arm64";
    REQUIRE(pull_to_archive(reference, work / "arm64.tar", options));
    auto arm = check_layout(mk::test::read_archive(work / "arm64.tar"));
    CHECK(arm["digest"] == arm64["digest"]);
    CHECK(arm["platform"]["variant"] == "v8");
  }
  SECTION("an architecture the index does not have") {
    options.architecture = "s390x";
    auto status = pull_to_archive(reference, work / "s390x.tar", options);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::network);
    CHECK_THAT(status.error().summary(), Catch::Contains(reference.to_string()) &&
                                             Catch::Contains("no linux/s390x image") &&
                                             Catch::Contains("linux/amd64, linux/arm64/v8"));
    CHECK_FALSE(fs::exists(work / "s390x.tar"));
  }
}

TEST_CASE("pull_to_archive fails with a network error naming the image for a missing tag", "[registry]") {
  TestRegistry registry;
  registry.push("test/single", "v1", "single");
  TempDir work;
  auto reference = parse_reference(registry.host() + "/test/single:missing").value();
  auto status = pull_to_archive(reference, work / "missing.tar", options_for(registry.host(), work));
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::network);
  CHECK_THAT(status.error().summary(), Catch::Contains(reference.to_string()) &&
                                           Catch::Contains("manifest unknown") && Catch::Contains("404"));
  CHECK_FALSE(fs::exists(work / "missing.tar"));

  SECTION("a registry that is not there") {
    auto closed = "127.0.0.1:" + std::to_string(mk::test::free_port());
    auto nowhere = parse_reference(closed + "/test/single:v1").value();
    auto refused = pull_to_archive(nowhere, work / "nowhere.tar", options_for(closed, work));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::network);
    CHECK_THAT(refused.error().summary(), Catch::Contains(nowhere.to_string()) && Catch::Contains("connect"));
  }
}

TEST_CASE("pull_to_archive rejects content that does not match its digest", "[registry]") {
  TestRegistry registry;
  auto pushed = registry.push("test/single", "v1", "single");
  TempDir work;
  auto reference = parse_reference(registry.host() + "/test/single:v1").value();
  auto archive = work / "bad.tar";

  SECTION("a corrupted layer") {
    flip_first_byte(registry.blob_file(pushed["platforms"]["linux/amd64"]["layers"][1]));
    auto status = pull_to_archive(reference, archive, options_for(registry.host(), work));
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::checksum);
    CHECK_THAT(status.error().summary(), Catch::Contains(reference.to_string()));
  }
  SECTION("a corrupted manifest") {
    auto manifest = registry.blob_file(pushed["digest"]);
    auto content = mk::test::read_bytes(manifest);
    content[content.find('\n')] = ' '; // still valid JSON, so the registry serves it
    mk::test::write_bytes(manifest, content);
    auto status = pull_to_archive(reference, archive, options_for(registry.host(), work));
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::checksum);
    CHECK_THAT(status.error().summary(),
               Catch::Contains(reference.to_string()) && Catch::Contains("manifest"));
  }
  SECTION("an unknown digest") {
    auto other = parse_reference(registry.host() + "/test/single@sha256:" + std::string(64, '0')).value();
    auto status = pull_to_archive(other, archive, options_for(registry.host(), work));
    REQUIRE_FALSE(status);
    CHECK_FALSE(fs::exists(archive));
  }
  CHECK_FALSE(fs::exists(archive));
  auto part = archive;
  part += ".download";
  CHECK_FALSE(fs::exists(part));
}
