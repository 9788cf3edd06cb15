// SPDX-License-Identifier: Apache-2.0
// mk cache import: an archive whose manifest would write outside the cache is refused before anything is
// written.
#include "drivers/registry.hpp"
#include "mk/archive/tar.hpp"
#include "mk/cluster/cache.hpp"
#include "mk/exec/local_runner.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using namespace mk;
using mk::test::TempDir;
using nlohmann::json;

namespace fs = std::filesystem;

namespace {

// An MK_HOME inside a scratch directory, with what import_cache needs. The docker driver is only called for a
// node image, which none of these archives holds.
struct ImportFixture {
  TempDir root;
  fs::path home = root / "home";
  core::Log log;
  exec::LocalRunner host{log};
  std::unique_ptr<ui::Reporter> reporter = ui::make_silent_reporter();
  cluster::Env env{core::Paths(home), log, host, *reporter};
  std::unique_ptr<driver::Driver> driver = drivers::find_driver("docker")->make(host, log, env.paths);

  // Writes an export holding `manifest` and `files` (archive name -> content); returns its path.
  fs::path archive(const json& manifest, const std::map<std::string, std::string>& files) {
    std::vector<archive::TarFile> entries{{"mk-cache.json", manifest.dump(), {}}};
    for (const auto& [name, content] : files)
      entries.push_back({name, content, {}});
    auto path = root / "export.tar";
    REQUIRE(archive::write_tar_file(path, entries));
    return path;
  }
};

json manifest(const std::string& version, const std::vector<std::string>& files) {
  return {{"format", 1}, {"version", version}, {"base_image", ""}, {"files", files}};
}

// Every file under `dir`, relative to it.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    files.insert(fs::relative(entry.path(), dir).string());
  return files;
}

} // namespace

TEST_CASE("cache import puts an exported version's files into the cache", "[cache]") {
  ImportFixture f;
  auto file = f.archive(manifest("v1.20.2", {"linux/amd64/v1.20.2/kubeadm"}),
                        {{"cache/linux/amd64/v1.20.2/kubeadm", "kubeadm binary"}});
  auto imported = cluster::import_cache(f.env, *f.driver, file);
  REQUIRE(imported);
  CHECK(*imported == "v1.20.2");
  CHECK(mk::test::read_bytes(f.home / "cache/linux/amd64/v1.20.2/kubeadm") == "kubeadm binary");
  CHECK_FALSE(fs::exists(f.home / "cache/import.tmp"));
  auto listed = cluster::list_cache(f.env.paths);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].name == "kubeadm");
  CHECK(listed[0].version == "v1.20.2");
}

TEST_CASE("cache import refuses a manifest that leaves the cache, and writes nothing", "[cache]") {
  ImportFixture f;
  // Each archive also holds the file its manifest names, where the import would pick it up, so only the
  // manifest check stands between it and a write outside the cache.
  std::vector<std::pair<json, std::map<std::string, std::string>>> crafted{
      {manifest("v1.20.2", {"../escape"}), {{"escape", "x"}}},
      {manifest("v1.20.2", {"../../escape"}), {{"cache/escape", "x"}}},
      {manifest("v1.20.2", {"linux/../../escape"}), {{"escape", "x"}}},
      {manifest("v1.20.2", {(f.root / "escape").string()}), {{"escape", "x"}}},
      {manifest("v1.20.2", {"linux//kubeadm"}), {{"cache/linux/kubeadm", "x"}}},
      {manifest("v1.20.2", {"./linux/kubeadm"}), {{"cache/linux/kubeadm", "x"}}},
      {manifest("v1.20.2", {""}), {}},
      {manifest("../x", {"linux/amd64/v1.20.2/kubeadm"}), {{"cache/linux/amd64/v1.20.2/kubeadm", "x"}}},
      {manifest("../../../escape", {}), {}},
      {manifest("v1.20.2/../../../escape", {}), {}},
      {manifest("1.20.2", {}), {}},
      {manifest("v1.20", {}), {}},
      {manifest("", {}), {}},
      {{{"format", 1}, {"version", "v1.20.2"}, {"files", {1, 2}}}, {}},
      {{{"format", 1}, {"version", 1}, {"files", json::array()}}, {}},
  };
  for (const auto& [document, files] : crafted) {
    INFO(document.dump());
    auto file = f.archive(document, files);
    auto checked = cluster::read_export_manifest(file);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == ErrorCode::usage);
    auto imported = cluster::import_cache(f.env, *f.driver, file);
    REQUIRE_FALSE(imported);
    CHECK(imported.error().code == ErrorCode::usage);
    CHECK_THAT(imported.error().message, Catch::Contains(file.string()));
    CHECK_FALSE(fs::exists(f.home));
    CHECK(files_under(f.root.path()) == std::set<std::string>{"export.tar"});
  }
}

TEST_CASE("cache import refuses an archive without a manifest, and writes nothing", "[cache]") {
  ImportFixture f;
  auto file = f.root / "export.tar";
  REQUIRE(archive::write_tar_file(file, {{"cache/linux/kubeadm", "x", {}}}));
  auto imported = cluster::import_cache(f.env, *f.driver, file);
  REQUIRE_FALSE(imported);
  CHECK(imported.error().code == ErrorCode::usage);
  CHECK_THAT(imported.error().message, Catch::Contains("not a cache exported by mk"));
  CHECK_FALSE(fs::exists(f.home));
}
