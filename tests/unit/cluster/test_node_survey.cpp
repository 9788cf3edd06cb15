// SPDX-License-Identifier: Apache-2.0
// The node survey: its script runs for real (on the host, with stand-ins for systemctl and ctr on PATH) and
// its output is read back; what it looked at, what is missing and what a run wrote since are told apart.
#include "mk/cluster/node_survey.hpp"
#include "mk/core/hash.hpp"
#include "mk/exec/local_runner.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

using namespace mk;

namespace {
struct Node {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mk-survey-" + std::to_string(std::random_device{}()));
  core::Log log{0};
  exec::LocalRunner host{log};

  explicit Node(std::string_view system_state) {
    std::filesystem::create_directories(dir / "bin");
    std::filesystem::create_directories(dir / "etc/containerd/certs.d/registry:5000");
    stub("systemctl",
         std::string("case \"$1\" in\n  is-system-running) echo ") + std::string(system_state) +
             " ;;\n  is-active) [ \"$2\" = containerd ] || [ \"$2\" = -q ] && echo active || echo "
             "inactive ;;\n  is-enabled) [ \"$2\" = kubelet ] && echo enabled || exit 1 ;;\nesac\n");
    stub("ctr", "printf 'registry:5000/pause:3.2\\nk8s.gcr.io/etcd:3.4.13-0\\n'\n");
    write("etc/containerd/config.toml", "version = 2\n");
    write("etc/containerd/certs.d/registry:5000/hosts.toml", "server = \"http://registry:5000\"\n");
    write("stamp", "from-preload  /bin/kubeadm\nno newline at the end");
  }
  ~Node() { std::filesystem::remove_all(dir); }
  void stub(const std::string& name, const std::string& body) {
    write("bin/" + name, "#!/bin/sh\n" + body);
    std::filesystem::permissions(dir / "bin" / name, std::filesystem::perms::owner_all);
  }
  void write(const std::string& path, const std::string& content) { std::ofstream(dir / path) << content; }
  std::string path(const std::string& relative) const { return (dir / relative).string(); }

  cluster::SurveyRequest request() const {
    return {{path("etc/containerd"), path("missing-file")},
            {"containerd", "kubelet", "mk-docker-info.socket"},
            {path("stamp"), path("no-stamp")},
            true};
  }
  cluster::NodeSurvey survey() {
    auto command = cluster::survey_command(request());
    command.env = {{"PATH", (dir / "bin").string() + ":" + std::getenv("PATH")}};
    auto result = host.run(command);
    REQUIRE(result);
    REQUIRE(result->exit_code == 0);
    return cluster::parse_survey(result->out, request());
  }
};
} // namespace

TEST_CASE("a booted node's survey holds its files' hashes, units, images and the files asked for",
          "[cluster][survey]") {
  Node node("running");
  auto survey = node.survey();
  REQUIRE(survey.complete);
  CHECK(survey.system_state == "running");
  CHECK(survey.hash_of(node.path("etc/containerd/config.toml")) == core::sha256_hex("version = 2\n"));
  CHECK(survey.hash_of(node.path("etc/containerd/certs.d/registry:5000/hosts.toml")) ==
        core::sha256_hex("server = \"http://registry:5000\"\n"));
  // looked at and missing: empty; never looked at: unknown
  CHECK(survey.hash_of(node.path("etc/containerd/other.toml")) == std::string());
  CHECK(survey.hash_of(node.path("missing-file")) == std::string());
  CHECK_FALSE(survey.hash_of(node.path("stamp")).has_value());
  CHECK_FALSE(survey.hash_of(node.path("etc/containerd-other/x")).has_value()); // a prefix, not a parent
  CHECK(survey.contents.at(node.path("stamp")) == "from-preload  /bin/kubeadm\nno newline at the end");
  CHECK_FALSE(survey.contents.contains(node.path("no-stamp")));
  CHECK(survey.unit_active("containerd"));
  CHECK_FALSE(survey.unit_active("kubelet"));
  CHECK(survey.unit_enabled("kubelet"));
  CHECK_FALSE(survey.unit_enabled("mk-docker-info.socket")); // unknown unit
  REQUIRE(survey.images);
  CHECK(*survey.images == std::set<std::string>{"registry:5000/pause:3.2", "k8s.gcr.io/etcd:3.4.13-0"});
}

TEST_CASE("a node that has not booted yet gives only its state, and nothing is taken as missing",
          "[cluster][survey]") {
  Node node("starting");
  auto survey = node.survey();
  CHECK(survey.system_state == "starting");
  CHECK_FALSE(survey.complete);
  CHECK_FALSE(survey.hash_of(node.path("etc/containerd/config.toml")).has_value());
  CHECK_FALSE(survey.hash_of(node.path("missing-file")).has_value());
  CHECK_FALSE(survey.images);
}

TEST_CASE("a survey output cut short is not trusted", "[cluster][survey]") {
  Node node("running");
  auto command = cluster::survey_command(node.request());
  command.env = {{"PATH", (node.dir / "bin").string() + ":" + std::getenv("PATH")}};
  auto result = node.host.run(command);
  REQUIRE(result);
  auto cut = result->out.substr(0, result->out.find("== hashes"));
  auto survey = cluster::parse_survey(cut, node.request());
  CHECK(survey.system_state == "running");
  CHECK_FALSE(survey.complete);
  CHECK_FALSE(survey.hash_of(node.path("missing-file")).has_value());
  CHECK_FALSE(survey.unit_enabled("kubelet"));
  CHECK_FALSE(survey.images);
  // a length beyond the end
  auto bad = cluster::parse_survey("running\n== content 999 /stamp\nshort\n== hashes\n", node.request());
  CHECK_FALSE(bad.complete);
}

TEST_CASE("files written after the survey are known by hash and by prefix", "[cluster][survey]") {
  auto survey = cluster::parse_survey("running\n== hashes\n", {{"/etc/kubernetes"}, {}, {}, false});
  REQUIRE(survey.complete);
  CHECK(survey.hash_of("/etc/kubernetes/admin.conf") == std::string());
  CHECK_FALSE(survey.wrote_any({"/etc/kubernetes"}));
  survey.record_written("/etc/kubernetes/admin.conf", "x");
  CHECK(survey.hash_of("/etc/kubernetes/admin.conf") == core::sha256_hex("x"));
  CHECK(survey.wrote_any({"/var", "/etc/kubernetes/"}));
  CHECK_FALSE(survey.wrote_any({"/var"}));
}
