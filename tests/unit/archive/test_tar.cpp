// SPDX-License-Identifier: Apache-2.0
#include "mk/archive/tar.hpp"
#include "tests/unit/registry/registry_test_support.hpp"

#include <catch2/catch.hpp>

using mk::archive::write_tar_file;
using mk::test::TempDir;

namespace fs = std::filesystem;

TEST_CASE("write_tar_file writes files from memory and from disk", "[archive]") {
  TempDir work;
  auto big = mk::test::sample_content(300 * 1024);
  mk::test::write_bytes(work / "blob", big);
  auto archive = work / "out" / "image.tar";
  REQUIRE(write_tar_file(archive, {{"index.json", "{}", {}}, {"blobs/sha256/abc", {}, work / "blob"}}));
  auto files = mk::test::read_archive(archive);
  CHECK(files == std::map<std::string, std::string>{{"index.json", "{}"}, {"blobs/sha256/abc", big}});
  CHECK_FALSE(fs::exists(work / "out" / "image.tar.download"));

  SECTION("a failure leaves the previous archive and no partial file") {
    auto status = write_tar_file(archive, {{"index.json", "[]", {}}, {"blobs/x", {}, work / "missing"}});
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("missing"));
    CHECK(mk::test::read_archive(archive) == files);
    CHECK_FALSE(fs::exists(work / "out" / "image.tar.download"));
  }
}

TEST_CASE("one member of an in-memory tar stream can be read", "[archive]") {
  auto tar = mk::archive::make_tar({{"control-plane-initialized", "v1.20.2\n", 0644}, {"other", "x", 0644}});
  REQUIRE(tar);
  auto found = mk::archive::read_tar_member(*tar, "control-plane-initialized");
  REQUIRE(found);
  CHECK(*found == std::optional<std::string>("v1.20.2\n"));
  auto missing = mk::archive::read_tar_member(*tar, "nothing");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
  CHECK_FALSE(mk::archive::read_tar_member("not a tar stream at all", "x"));
}
