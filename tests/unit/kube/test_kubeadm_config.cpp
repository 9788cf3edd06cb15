// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/kubeadm_config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>
#include <yaml-cpp/yaml.h>

using namespace mk;
using k8s::Version;

namespace {

kube::KubeadmParams fixture_params(Version version) {
  kube::KubeadmParams params;
  params.version = version;
  params.node_name = "mk";
  params.node_ip = "192.168.49.2";
  return params;
}

// Compares `actual` with the fixture file; on a mismatch writes `actual` beside the build's temp files and
// names the first differing line and a diff command.
void check_matches_fixture(const std::string& actual, const std::string& name) {
  auto path = std::filesystem::path(MK_FIXTURES_DIR) / "kubeadm" / name;
  auto expected = core::read_file(path);
  REQUIRE(expected);
  if (actual == *expected) return;
  auto out =
      std::filesystem::temp_directory_path() / ("mk-kubeadm-" + std::to_string(::getpid()) + "-" + name);
  REQUIRE(core::write_file_atomic(out, actual));
  auto want = core::split(*expected, '\n');
  auto got = core::split(actual, '\n');
  size_t line = 0;
  while (line < want.size() && line < got.size() && want[line] == got[line])
    ++line;
  std::ostringstream message;
  message << "rendered config differs from " << path.string() << " at line " << line + 1 << "\n"
          << "  expected: " << (line < want.size() ? want[line] : "<end of file>") << "\n"
          << "  actual:   " << (line < got.size() ? got[line] : "<end of file>") << "\n"
          << "  see: diff -u " << path.string() << " " << out.string();
  FAIL(message.str());
}

// The apiVersion and kind of each document of `text`.
std::vector<std::pair<std::string, std::string>> documents(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> result;
  for (const auto& doc : YAML::LoadAll(text))
    result.emplace_back(doc["apiVersion"].as<std::string>(), doc["kind"].as<std::string>());
  return result;
}

std::vector<std::pair<std::string, std::string>> expected_documents(const std::string& kubeadm_api) {
  return {{kubeadm_api, "InitConfiguration"},
          {kubeadm_api, "ClusterConfiguration"},
          {"kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"},
          {"kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration"}};
}

} // namespace

TEST_CASE("kubeadm configs match the reviewed fixtures byte for byte", "[kube]") {
  struct Case {
    Version version;
    std::string image_repository, fixture, api;
  };
  auto c = GENERATE(values<Case>({
      {{1, 20, 2}, "", "v1.20.2.yaml", "kubeadm.k8s.io/v1beta2"},
      {{1, 23, 3}, "", "v1.23.3.yaml", "kubeadm.k8s.io/v1beta3"},
      {{1, 23, 3},
       "registry.example.com:5000/k8s",
       "v1.23.3-image-repository.yaml",
       "kubeadm.k8s.io/v1beta3"},
      {{1, 31, 0}, "", "v1.31.0.yaml", "kubeadm.k8s.io/v1beta4"},
      {{1, 35, 1}, "", "v1.35.1.yaml", "kubeadm.k8s.io/v1beta4"},
  }));
  INFO("fixture " << c.fixture);
  auto params = fixture_params(c.version);
  params.image_repository = c.image_repository;
  auto text = kube::render_kubeadm_config(params);
  check_matches_fixture(text, c.fixture);
  CHECK(documents(text) == expected_documents(c.api));
}

TEST_CASE("kubeadm config values land where kubeadm reads them", "[kube]") {
  auto params = fixture_params({1, 23, 3});
  params.apiserver_port = 12345;
  params.pod_cidr = "10.1.0.0/16";
  auto docs = YAML::LoadAll(kube::render_kubeadm_config(params));
  REQUIRE(docs.size() == 4);
  CHECK(docs[0]["localAPIEndpoint"]["bindPort"].as<int>() == 12345);
  CHECK(docs[0]["nodeRegistration"]["criSocket"].as<std::string>() == "/run/containerd/containerd.sock");
  CHECK(docs[0]["nodeRegistration"]["kubeletExtraArgs"]["node-ip"].as<std::string>() == "192.168.49.2");
  CHECK(docs[1]["controlPlaneEndpoint"].as<std::string>() == "control-plane.mk.internal:12345");
  CHECK(docs[1]["clusterName"].as<std::string>() == "mk");
  CHECK(docs[1]["networking"]["podSubnet"].as<std::string>() == "10.1.0.0/16");
  CHECK_FALSE(docs[1]["imageRepository"]);
  CHECK(docs[1]["etcd"]["local"]["extraArgs"]["proxy-refresh-interval"].as<std::string>() == "70000");
  CHECK_FALSE(docs[2]["containerRuntimeEndpoint"]);
  CHECK(docs[3]["clusterCIDR"].as<std::string>() == "10.1.0.0/16");
  CHECK(docs[3]["mode"].as<std::string>() == "iptables");
  CHECK(docs[3]["conntrack"]["maxPerCore"].as<int>() == 0);
}

TEST_CASE("kubeadm config follows the version's API and runtime fields", "[kube]") {
  auto v124 = YAML::LoadAll(kube::render_kubeadm_config(fixture_params({1, 24, 0})));
  CHECK(v124[0]["nodeRegistration"]["criSocket"].as<std::string>() ==
        "unix:///run/containerd/containerd.sock");
  CHECK(v124[0]["apiVersion"].as<std::string>() == "kubeadm.k8s.io/v1beta3");

  auto v127 = YAML::LoadAll(kube::render_kubeadm_config(fixture_params({1, 27, 0})));
  CHECK(v127[2]["containerRuntimeEndpoint"].as<std::string>() == "unix:///run/containerd/containerd.sock");

  auto v131 = YAML::LoadAll(kube::render_kubeadm_config(fixture_params({1, 31, 0})));
  REQUIRE(v131[1]["controllerManager"]["extraArgs"].IsSequence());
  CHECK(v131[1]["controllerManager"]["extraArgs"][3]["name"].as<std::string>() == "leader-elect");
  CHECK(v131[0]["nodeRegistration"]["kubeletExtraArgs"][0]["value"].as<std::string>() == "192.168.49.2");
  CHECK_FALSE(v131[1]["etcd"]["local"]["extraArgs"]);
  CHECK_FALSE(v131[2]["failCgroupV1"]);

  auto systemd = fixture_params({1, 35, 1});
  systemd.cgroup_driver = "systemd";
  auto v135 = YAML::LoadAll(kube::render_kubeadm_config(systemd));
  CHECK(v135[2]["cgroupDriver"].as<std::string>() == "systemd");
  CHECK_FALSE(v135[2]["failCgroupV1"]);

  auto prefixed = fixture_params({1, 30, 0});
  prefixed.cri_socket = "unix:///run/containerd/containerd.sock";
  auto v130 = YAML::LoadAll(kube::render_kubeadm_config(prefixed));
  CHECK(v130[0]["nodeRegistration"]["criSocket"].as<std::string>() ==
        "unix:///run/containerd/containerd.sock");
}
