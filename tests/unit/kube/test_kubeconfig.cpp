// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"
#include "mk/kube/kubeconfig.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

using namespace mk;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("mk-kubeconfig-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Sets an environment variable for one scope, restoring the old value afterwards.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string variable, const char* value) : name(std::move(variable)) {
    if (const char* current = std::getenv(name.c_str())) old = current;
    if (value)
      ::setenv(name.c_str(), value, 1);
    else
      ::unsetenv(name.c_str());
  }
  ~ScopedEnv() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

kube::KubeconfigEntry entry(std::string server = "https://127.0.0.1:32771") {
  kube::KubeconfigEntry e;
  e.name = "mk";
  e.server = std::move(server);
  e.certificate_authority = "/home/u/.mk/ca.crt";
  e.client_certificate = "/home/u/.mk/profiles/mk/client.crt";
  e.client_key = "/home/u/.mk/profiles/mk/client.key";
  return e;
}

std::string foreign() {
  return core::read_file(fs::path(MK_FIXTURES_DIR) / "kubeconfig" / "foreign.yaml").value();
}

// The items of list `list` named `name`.
std::vector<YAML::Node> named(const YAML::Node& root, const char* list, const std::string& name) {
  std::vector<YAML::Node> found;
  for (const auto& item : root[list])
    if (item["name"].as<std::string>() == name) found.push_back(item);
  return found;
}

// Deep equality of two YAML trees (map key order ignored).
bool same(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
  case YAML::NodeType::Scalar:
    return a.Scalar() == b.Scalar();
  case YAML::NodeType::Sequence:
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  case YAML::NodeType::Map:
    if (a.size() != b.size()) return false;
    for (const auto& item : a)
      if (!b[item.first.Scalar()] || !same(item.second, b[item.first.Scalar()])) return false;
    return true;
  default:
    return true;
  }
}

std::vector<std::string> names(const YAML::Node& root, const char* list) {
  std::vector<std::string> result;
  for (const auto& item : root[list])
    result.push_back(item["name"].as<std::string>());
  return result;
}

int file_mode(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return static_cast<int>(info.st_mode & 0777);
}

} // namespace

TEST_CASE("merging into an empty kubeconfig writes one cluster, user and context", "[kube]") {
  auto text = kube::merge_kubeconfig("", entry(), true);
  REQUIRE(text);
  auto root = YAML::Load(*text);
  CHECK(root["apiVersion"].as<std::string>() == "v1");
  CHECK(root["kind"].as<std::string>() == "Config");
  CHECK(root["current-context"].as<std::string>() == "mk");
  REQUIRE(root["clusters"].size() == 1);
  auto cluster = root["clusters"][0];
  CHECK(cluster["name"].as<std::string>() == "mk");
  CHECK(cluster["cluster"]["server"].as<std::string>() == "https://127.0.0.1:32771");
  CHECK(cluster["cluster"]["certificate-authority"].as<std::string>() == "/home/u/.mk/ca.crt");
  REQUIRE(root["users"].size() == 1);
  CHECK(root["users"][0]["user"]["client-certificate"].as<std::string>() ==
        "/home/u/.mk/profiles/mk/client.crt");
  CHECK(root["users"][0]["user"]["client-key"].as<std::string>() == "/home/u/.mk/profiles/mk/client.key");
  REQUIRE(root["contexts"].size() == 1);
  auto context = root["contexts"][0]["context"];
  CHECK(context["cluster"].as<std::string>() == "mk");
  CHECK(context["user"].as<std::string>() == "mk");
  CHECK(context["namespace"].as<std::string>() == "default");

  // whitespace and comment-only files count as empty
  auto commented = kube::merge_kubeconfig("# nothing yet\n\n", entry(), false);
  REQUIRE(commented);
  CHECK(YAML::Load(*commented)["current-context"].as<std::string>() == "");
}

TEST_CASE("merging keeps foreign clusters, users, contexts and unknown keys", "[kube]") {
  auto original = YAML::Load(foreign());
  auto text = kube::merge_kubeconfig(foreign(), entry(), false);
  REQUIRE(text);
  auto root = YAML::Load(*text);
  const char* staging = "arn:aws:eks:eu-west-1:123456789012:cluster/staging";
  CHECK(names(root, "clusters") == std::vector<std::string>{"prod", staging, "mk"});
  CHECK(names(root, "users") == std::vector<std::string>{"prod-admin", staging, "mk"});
  CHECK(names(root, "contexts") == std::vector<std::string>{"prod", "staging", "mk"});
  for (const char* list : {"clusters", "users", "contexts"})
    for (size_t i = 0; i < original[list].size(); ++i) {
      INFO(list << "[" << i << "]");
      CHECK(same(original[list][i], root[list][i]));
    }
  CHECK(same(original["preferences"], root["preferences"]));
  CHECK(same(original["extensions"], root["extensions"]));
  CHECK(same(original["x-unknown-tool-setting"], root["x-unknown-tool-setting"]));
  CHECK(root["current-context"].as<std::string>() == "prod");
  // strings that were quoted stay strings for kubectl (YAML 1.1 would read yes as a boolean)
  CHECK_THAT(*text, Catch::Contains("value: \"yes\""));
  CHECK_THAT(*text, Catch::Contains("value: \"0123\""));
  CHECK_THAT(*text, Catch::Contains("enabled: \"true\""));
  CHECK_THAT(*text, Catch::Contains("provideClusterInfo: false"));
  CHECK_THAT(*text, Catch::Contains("level: 3"));
  CHECK(root["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>() ==
        original["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>());
}

TEST_CASE("merging an existing name replaces it in place without duplicates", "[kube]") {
  auto first = kube::merge_kubeconfig(foreign(), entry("https://127.0.0.1:1111"), true);
  REQUIRE(first);
  auto second = kube::merge_kubeconfig(*first, entry("https://127.0.0.1:2222"), true);
  REQUIRE(second);
  auto root = YAML::Load(*second);
  for (const char* list : {"clusters", "users", "contexts"}) {
    INFO(list);
    CHECK(named(root, list, "mk").size() == 1);
    CHECK(root[list].size() == 3);
  }
  CHECK(named(root, "clusters", "mk")[0]["cluster"]["server"].as<std::string>() == "https://127.0.0.1:2222");
  CHECK(named(root, "clusters", "prod").size() == 1);

  // an mk entry in the middle keeps its position; stale fields of the old entry do not survive
  std::string text = "clusters:\n- name: a\n  cluster: {server: https://a}\n"
                     "- name: mk\n  cluster:\n    server: https://old\n    certificate-authority-data: AAAA\n"
                     "- name: b\n  cluster: {server: https://b}\n"
                     "- name: mk\n  cluster: {server: https://duplicate}\n";
  auto replaced = kube::merge_kubeconfig(text, entry(), false);
  REQUIRE(replaced);
  auto tree = YAML::Load(*replaced);
  CHECK(names(tree, "clusters") == std::vector<std::string>{"a", "mk", "b"});
  CHECK_FALSE(tree["clusters"][1]["cluster"]["certificate-authority-data"]);
  CHECK(tree["clusters"][2]["cluster"]["server"].as<std::string>() == "https://b");
}

TEST_CASE("set_current controls current-context", "[kube]") {
  auto on = kube::merge_kubeconfig(foreign(), entry(), true);
  REQUIRE(on);
  CHECK(YAML::Load(*on)["current-context"].as<std::string>() == "mk");
  auto off = kube::merge_kubeconfig(foreign(), entry(), false);
  REQUIRE(off);
  CHECK(YAML::Load(*off)["current-context"].as<std::string>() == "prod");
}

TEST_CASE("removing an entry keeps the others and clears current-context only when it was the entry",
          "[kube]") {
  auto merged = kube::merge_kubeconfig(foreign(), entry(), true);
  REQUIRE(merged);
  auto removed = kube::remove_from_kubeconfig(*merged, "mk");
  REQUIRE(removed);
  auto root = YAML::Load(*removed);
  auto original = YAML::Load(foreign());
  for (const char* list : {"clusters", "users", "contexts"}) {
    INFO(list);
    CHECK(named(root, list, "mk").empty());
    CHECK(same(original[list], root[list]));
  }
  CHECK(root["current-context"].as<std::string>() == "");

  auto kept = kube::remove_from_kubeconfig(*kube::merge_kubeconfig(foreign(), entry(), false), "mk");
  REQUIRE(kept);
  CHECK(YAML::Load(*kept)["current-context"].as<std::string>() == "prod");

  // nothing to remove: the text comes back unchanged
  CHECK(kube::remove_from_kubeconfig(foreign(), "absent").value() == foreign());
  CHECK(kube::remove_from_kubeconfig("", "mk").value() == "");
}

TEST_CASE("text that is not a kubeconfig is rejected", "[kube]") {
  for (const char* text : {"clusters: [unclosed\n", "- just\n- a list\n", "clusters: 5\n", "kind: Pod\n",
                           "users: {name: x}\n", "plain text\n"}) {
    INFO(text);
    auto merged = kube::merge_kubeconfig(text, entry(), true);
    REQUIRE_FALSE(merged);
    CHECK(merged.error().code == ErrorCode::failure);
    CHECK_THAT(merged.error().message, Catch::StartsWith("not a kubeconfig"));
    CHECK_FALSE(kube::remove_from_kubeconfig(text, "mk"));
  }
  auto bad = kube::merge_kubeconfig("a: [1,\n", entry(), true);
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("line"));
  CHECK(kube::merge_kubeconfig("clusters: null\nusers: []\n", entry(), true)); // kubectl writes null lists
}

TEST_CASE("writing a kubeconfig file creates it 0600 under a 0755 directory and leaves no lock", "[kube]") {
  TempDir dir;
  auto file = dir.path / "home" / ".kube" / "config";
  REQUIRE(kube::write_kubeconfig_entry(file, entry(), true));
  CHECK(file_mode(file) == 0600);
  CHECK(file_mode(file.parent_path()) == 0755);
  CHECK_FALSE(fs::exists(dir.path / "home" / ".kube" / "config.lock"));
  CHECK(kube::kubeconfig_server(file, "mk").value() == std::optional<std::string>("https://127.0.0.1:32771"));

  // an existing file with other entries, and a looser mode, is merged and tightened
  REQUIRE(core::write_file_atomic(file, foreign(), 0644));
  REQUIRE(kube::write_kubeconfig_entry(file, entry("https://127.0.0.1:40000"), false));
  CHECK(file_mode(file) == 0600);
  auto root = YAML::Load(core::read_file(file).value());
  CHECK(names(root, "clusters").size() == 3);
  CHECK(kube::kubeconfig_server(file, "mk").value() == std::optional<std::string>("https://127.0.0.1:40000"));
  CHECK(kube::kubeconfig_server(file, "prod").value() ==
        std::optional<std::string>("https://prod.example.com:6443"));

  REQUIRE(kube::remove_kubeconfig_entry(file, "mk"));
  CHECK_FALSE(kube::kubeconfig_server(file, "mk").value());
  CHECK(names(YAML::Load(core::read_file(file).value()), "clusters").size() == 2);
}

TEST_CASE("an invalid kubeconfig file is rejected and left untouched", "[kube]") {
  TempDir dir;
  auto file = dir.path / "config";
  const std::string broken = "apiVersion: v1\nclusters: [\n  oops\n";
  REQUIRE(core::write_file_atomic(file, broken, 0644));
  auto written = kube::write_kubeconfig_entry(file, entry(), true);
  REQUIRE_FALSE(written);
  CHECK(written.error().code == ErrorCode::failure);
  CHECK_THAT(written.error().summary(), Catch::Contains(file.string()));
  CHECK(core::read_file(file).value() == broken);
  CHECK(file_mode(file) == 0644);
  CHECK_FALSE(fs::exists(dir.path / "config.lock"));
  CHECK_FALSE(kube::remove_kubeconfig_entry(file, "mk"));
  CHECK(core::read_file(file).value() == broken);
  CHECK_FALSE(kube::kubeconfig_server(file, "mk"));
}

TEST_CASE("missing kubeconfig files are handled without creating them", "[kube]") {
  TempDir dir;
  auto file = dir.path / "absent" / "config";
  REQUIRE(kube::remove_kubeconfig_entry(file, "mk"));
  CHECK_FALSE(fs::exists(file.parent_path()));
  auto server = kube::kubeconfig_server(file, "mk");
  REQUIRE(server);
  CHECK_FALSE(server->has_value());
}

TEST_CASE("a kubeconfig lock held by kubectl is never bypassed", "[kube]") {
  TempDir dir;
  auto file = dir.path / "config";
  auto lock = dir.path / "config.lock";
  { std::ofstream(lock.string()) << "kubectl"; }
  // kubectl never releases it: mk gives up (after its own wait) without writing and leaves kubectl's lock
  auto written = kube::write_kubeconfig_entry(file, entry(), true);
  REQUIRE_FALSE(written);
  CHECK(written.error().code == ErrorCode::conflict);
  CHECK_FALSE(fs::exists(file));
  CHECK(core::read_file(lock).value() == "kubectl");
}

TEST_CASE("a kubeconfig lock held by kubectl is waited for, and the write follows its release", "[kube]") {
  TempDir dir;
  auto file = dir.path / "config";
  auto lock = dir.path / "config.lock";
  { std::ofstream(lock.string()) << "kubectl"; }
  std::atomic<bool> released{false};
  std::atomic<bool> released_before_write_returned{false};
  Status written = fail(ErrorCode::failure, "the writer did not run");
  std::thread writer([&] {
    written = kube::write_kubeconfig_entry(file, entry(), true);
    released_before_write_returned = released.load();
  });
  // the lock exists until here, whenever the writer got to it; the write can only succeed after this point
  released = true;
  fs::remove(lock);
  writer.join();
  REQUIRE(written);
  CHECK(released_before_write_returned);
  CHECK(kube::kubeconfig_server(file, "mk").value() == std::optional<std::string>("https://127.0.0.1:32771"));
  CHECK_FALSE(fs::exists(lock));
}

TEST_CASE("a symlinked kubeconfig is written through to its target", "[kube]") {
  TempDir dir;
  auto target = dir.path / "real-config";
  auto link = dir.path / "config";
  REQUIRE(core::write_file_atomic(target, foreign(), 0600));
  fs::create_symlink(target, link);
  REQUIRE(kube::write_kubeconfig_entry(link, entry(), true));
  CHECK(fs::is_symlink(link));
  CHECK(kube::kubeconfig_server(target, "mk").value() ==
        std::optional<std::string>("https://127.0.0.1:32771"));
}

TEST_CASE("the kubeconfig path comes from the first non-empty KUBECONFIG entry, else ~/.kube/config",
          "[kube]") {
  TempDir dir;
  ScopedEnv home("HOME", dir.path.c_str());
  {
    ScopedEnv env("KUBECONFIG", "::/tmp/first/config:/tmp/second/config");
    CHECK(kube::kubeconfig_path() == fs::path("/tmp/first/config"));
  }
  {
    ScopedEnv env("KUBECONFIG", "/only/one");
    CHECK(kube::kubeconfig_path() == fs::path("/only/one"));
  }
  {
    ScopedEnv env("KUBECONFIG", ":");
    CHECK(kube::kubeconfig_path() == dir.path / ".kube" / "config");
  }
  {
    ScopedEnv env("KUBECONFIG", nullptr);
    CHECK(kube::kubeconfig_path() == dir.path / ".kube" / "config");
  }
}
