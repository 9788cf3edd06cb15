// SPDX-License-Identifier: Apache-2.0
// The profile store never builds a path from a name that could leave MK_HOME.
#include "mk/config/cluster.hpp"
#include "mk/config/store.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace mk;
using mk::test::TempDir;

namespace fs = std::filesystem;

namespace {

config::ClusterConfig profile(const std::string& name, std::vector<std::string> nodes) {
  config::ClusterConfig c;
  c.name = name;
  c.driver = "docker";
  for (auto& node : nodes)
    c.nodes.push_back({std::move(node), "192.168.49.2", true, {}});
  return c;
}

// Every file and directory under `dir`, relative to it.
std::set<std::string> tree(const fs::path& dir) {
  std::set<std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    entries.insert(fs::relative(entry.path(), dir).string());
  return entries;
}

} // namespace

TEST_CASE("the profile store refuses an invalid profile name before it builds a path", "[config]") {
  TempDir root;
  config::ProfileStore store{core::Paths(root / "home")};
  // what a remove of "../victim" or "../../victim" would reach: MK_HOME/victim and MK_HOME's parent's victim
  fs::create_directories(root / "home" / "victim");
  mk::test::write_bytes(root / "home" / "victim" / "config.json", "{}");
  mk::test::write_bytes(root / "victim", "keep");
  auto before = tree(root.path());

  for (std::string name : {"../victim", "../../victim", "/tmp/victim", "..", ".", "", "Bad_Name", "a/b"}) {
    INFO(name);
    auto loaded = store.load(name);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == ErrorCode::usage);
    auto removed = store.remove(name);
    REQUIRE_FALSE(removed);
    CHECK(removed.error().code == ErrorCode::usage);
    auto locked = store.lock(name, std::chrono::milliseconds(0), [] {});
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::usage);
    auto saved = store.save(profile(name, {name}));
    REQUIRE_FALSE(saved);
    CHECK(saved.error().code == ErrorCode::usage);
    CHECK(tree(root.path()) == before);
  }
}

TEST_CASE("a profile whose node names are not its own is refused, on load and on save", "[config]") {
  TempDir root;
  config::ProfileStore store{core::Paths(root / "home")};
  REQUIRE(store.save(profile("dev", {"dev", "dev-m02", "dev-m10", "dev-m100"})));
  REQUIRE(store.load("dev").value().has_value());

  for (std::string foreign : {"../../escape", "../dev", "dev-m02/../../x", "other", "dev-m01", "dev-m2",
                              "dev-m002", "dev-", "dev-m", "dev-m-2", ""}) {
    INFO(foreign);
    // as the primary node and as a secondary one
    for (const auto& crafted : {profile("dev", {foreign}), profile("dev", {"dev", foreign})}) {
      auto saved = store.save(crafted);
      REQUIRE_FALSE(saved);
      CHECK_THAT(saved.error().message, Catch::Contains("not a node name of profile \"dev\""));
      // a file written by someone else is refused when read
      mk::test::write_bytes(store.paths().profile_config("dev"), config::to_json_text(crafted));
      auto loaded = store.load("dev");
      REQUIRE_FALSE(loaded);
      CHECK(loaded.error().code == ErrorCode::failure);
      CHECK_THAT(loaded.error().summary(), Catch::Contains(store.paths().profile_config("dev").string()));
      CHECK_THAT(loaded.error().advice, Catch::Contains(store.paths().profile_dir("dev").string()));
    }
  }

  // a profile must carry the name of its directory, which save and remove use
  mk::test::write_bytes(store.paths().profile_config("dev"), config::to_json_text(profile("../x", {"../x"})));
  auto renamed = store.load("dev");
  REQUIRE_FALSE(renamed);
  CHECK_THAT(renamed.error().message, Catch::Contains("\"../x\""));
}

TEST_CASE("directories in profiles/ whose names are not profile names are not listed", "[config]") {
  TempDir root;
  config::ProfileStore store{core::Paths(root / "home")};
  REQUIRE(store.save(profile("dev", {"dev"})));
  for (auto stray : {"Bad_Name", "-x", "x-m02"}) {
    fs::create_directories(store.paths().profiles_dir() / stray);
    mk::test::write_bytes(store.paths().profiles_dir() / stray / "config.json", "{}");
  }
  CHECK(store.names() == std::vector<std::string>{"dev"});
}
