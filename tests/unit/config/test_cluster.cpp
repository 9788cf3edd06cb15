// SPDX-License-Identifier: Apache-2.0
#include "mk/config/cluster.hpp"
#include "mk/config/defaults.hpp"
#include "mk/config/store.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace mk;

namespace {
config::ClusterConfig sample() {
  config::ClusterConfig c;
  c.name = "dev";
  c.driver = "docker";
  c.base_image = "mk-local/node:1";
  c.cpus = 2;
  c.memory_mb = 3072;
  c.network = "dev";
  c.subnet = "192.168.58.0/24";
  c.gateway = "192.168.58.1";
  c.kubernetes_enabled = true;
  c.kubernetes.version = "v1.20.2";
  c.kubernetes.image_repository = "172.17.0.1:5000/google_containers";
  c.kubernetes.insecure_registries = {"172.17.0.1:5000"};
  c.kubernetes.binary_mirror = "http://127.0.0.1:8080/release";
  c.kubernetes.preload_mirror = "http://127.0.0.1:8080/preload";
  c.kubernetes.image_mirror_country = "cn";
  c.kubernetes.initialized = true;
  c.kubernetes.registry_mirrors = {"https://mirror.example"};
  c.addons = {{"storage-provisioner", true}, {"default-storageclass", true}};
  c.nodes.push_back({"dev", "192.168.58.2", true, {{22, 32770}, {8443, 32771}}, "10.244.0.0/24"});
  c.nodes.push_back({"dev-m02", "192.168.58.3", false, {}, "10.244.1.0/24"});
  c.highest_node_number = 3;
  c.paused = true;
  return c;
}
} // namespace

TEST_CASE("a cluster config survives a JSON round trip unchanged", "[config]") {
  auto original = sample();
  auto text = config::to_json_text(original);
  auto parsed = config::cluster_from_json_text(text);
  REQUIRE(parsed);
  CHECK(*parsed == original);
  CHECK(config::to_json_text(*parsed) == text);
}

TEST_CASE("a corrupt or incomplete profile is an error, not a crash", "[config]") {
  CHECK_FALSE(config::cluster_from_json_text("{not json"));
  CHECK_FALSE(config::cluster_from_json_text("[1,2]"));
  CHECK_FALSE(config::cluster_from_json_text(R"({"driver": "docker"})"));
  CHECK_FALSE(config::cluster_from_json_text(R"({"name": "x", "cpus": "two"})"));
}

TEST_CASE("node names follow minikube's scheme", "[config]") {
  CHECK(config::node_name("mk", 0) == "mk");
  CHECK(config::node_name("mk", 1) == "mk-m02");
  CHECK(config::node_name("dev", 9) == "dev-m10");
}

TEST_CASE("node numbers come from the names, and a new node never takes a number used before", "[config]") {
  CHECK(config::node_number("mk", "mk") == 1);
  CHECK(config::node_number("mk", "mk-m02") == 2);
  CHECK(config::node_number("mk", "mk-m10") == 10);
  CHECK(config::node_number("mk", "mk-m1x") == 0);
  CHECK(config::node_number("mk", "other") == 0);
  CHECK(config::node_number("mk", "mk-m") == 0);
  config::ClusterConfig c;
  c.name = "mk";
  c.nodes.push_back({"mk", "", true, {}, {}});
  CHECK(config::next_node_number(c) == 2);
  c.nodes.push_back({"mk-m02", "", false, {}, {}});
  CHECK(config::next_node_number(c) == 3);
  // mk-m03 existed and was deleted: the profile remembers the number
  c.highest_node_number = 3;
  CHECK(config::next_node_number(c) == 4);
  // a profile from before the field: the names tell
  c.highest_node_number = 0;
  c.nodes.push_back({"mk-m05", "", false, {}, {}});
  CHECK(config::next_node_number(c) == 6);
  CHECK(config::find_node(c, "mk-m05") != nullptr);
  CHECK(config::find_node(c, "mk-m04") == nullptr);
}

TEST_CASE("the profile store saves atomically with mode 0600 and lists profiles", "[config]") {
  auto home = std::filesystem::temp_directory_path() / ("mk-store-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(home);
  config::ProfileStore store{core::Paths(home)};
  CHECK(store.names().empty());
  CHECK_FALSE(store.load("dev").value().has_value());
  REQUIRE(store.save(sample()));
  auto loaded = store.load("dev");
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  CHECK(**loaded == sample());
  struct stat info {};
  REQUIRE(::stat(store.paths().profile_config("dev").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(store.names() == std::vector<std::string>{"dev"});
  // no temporary files are left beside the profile
  CHECK(std::distance(std::filesystem::directory_iterator(store.paths().profile_dir("dev")),
                      std::filesystem::directory_iterator{}) == 1);
  REQUIRE(store.remove("dev"));
  CHECK(store.names().empty());
  CHECK(store.remove("dev")); // idempotent
  std::filesystem::remove_all(home);
}

TEST_CASE("a profile lock excludes a second holder until released", "[config]") {
  auto home = std::filesystem::temp_directory_path() / ("mk-lock-test-" + std::to_string(::getpid()));
  config::ProfileStore store{core::Paths(home)};
  bool waited = false;
  auto first = store.lock("dev", std::chrono::milliseconds(100), [&] { waited = true; });
  REQUIRE(first);
  CHECK_FALSE(waited);
  // flock locks are per open file description, so a second open in this process conflicts like another
  // process
  auto second = store.lock("dev", std::chrono::milliseconds(300), [&] { waited = true; });
  REQUIRE_FALSE(second);
  CHECK(waited);
  CHECK(second.error().code == ErrorCode::conflict);
  *first = core::FileLock();
  CHECK(store.lock("dev", std::chrono::milliseconds(100), [] {}));
  std::filesystem::remove_all(home);
}

TEST_CASE("mk config defaults are stored atomically, reread, and only known keys are taken", "[config]") {
  auto home = std::filesystem::temp_directory_path() / ("mk-test-defaults-" + std::to_string(::getpid()));
  core::Paths paths(home);
  auto empty = config::load_defaults(paths);
  REQUIRE(empty);
  CHECK(empty->empty());
  REQUIRE(config::save_defaults(paths, {{"profile", "dev"}, {"cpus", "2"}}));
  auto loaded = config::load_defaults(paths);
  REQUIRE(loaded);
  CHECK(*loaded == config::Defaults{{"cpus", "2"}, {"profile", "dev"}});
  struct stat st {};
  REQUIRE(::stat((home / "config" / "config.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(config::check_default_key("image-repository"));
  auto unknown = config::check_default_key("colour");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::usage);
  CHECK(unknown.error().advice.find("registry-mirror") != std::string::npos);
  {
    std::ofstream corrupt(home / "config" / "config.json");
    corrupt << "[1, 2";
  }
  CHECK_FALSE(config::load_defaults(paths));
  std::filesystem::remove_all(home);
}
