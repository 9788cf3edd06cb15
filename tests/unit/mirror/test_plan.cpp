// SPDX-License-Identifier: Apache-2.0
#include "mk/mirror/plan.hpp"
#include "mk/mirror/select.hpp"

#include <catch2/catch.hpp>

using namespace mk;

namespace {
const k8s::Version v1_23_3{1, 23, 3};
const std::vector<std::string> k_addon_images = {"gcr.io/k8s-minikube/storage-provisioner:v5"};

mirror::Plan plan_for(const mirror::MirrorFlags& flags, const k8s::Version& version = v1_23_3) {
  auto selection = mirror::select_sources(flags, nullptr);
  REQUIRE(selection);
  return mirror::resolve(version, selection->sources, k_addon_images);
}

std::vector<std::string> everything(const mirror::Plan& plan) {
  std::vector<std::string> all = {plan.base_image, plan.preload.url, plan.preload.checksum_url};
  for (const auto& b : plan.binaries)
    all.insert(all.end(), {b.url, b.checksum_url});
  all.insert(all.end(), plan.images.begin(), plan.images.end());
  all.insert(all.end(), plan.addon_images.begin(), plan.addon_images.end());
  return all;
}
} // namespace

TEST_CASE("cn: every image, binary and the preload come from the Aliyun mirrors", "[mirror]") {
  auto plan = plan_for({"cn", "", "", "", ""});
  const std::string repo = "registry.cn-hangzhou.aliyuncs.com/google_containers";
  const std::string files = "https://kubernetes.oss-cn-hangzhou.aliyuncs.com";
  CHECK(plan.base_image ==
        repo + "/kicbase:v0.0.50@sha256:eb4fec00e8ad70adf8e6436f195cc429825ffb85f95afcdb5d8d9deb576f3e93");
  CHECK(plan.preload.url == files + "/minikube-preloaded-volume-tarballs/v18/v1.23.3/"
                                    "preloaded-images-k8s-v18-v1.23.3-containerd-overlay2-amd64.tar.lz4");
  CHECK(plan.preload.checksum_url == plan.preload.url + ".sha256");
  REQUIRE(plan.binaries.size() == 3);
  CHECK(plan.binaries[0].url == files + "/kubernetes-release/release/v1.23.3/bin/linux/amd64/kubeadm");
  CHECK(plan.binaries[1].url == files + "/kubernetes-release/release/v1.23.3/bin/linux/amd64/kubelet");
  CHECK(plan.binaries[2].checksum_url ==
        files + "/kubernetes-release/release/v1.23.3/bin/linux/amd64/kubectl.sha256");
  CHECK(plan.images ==
        std::vector<std::string>{repo + "/kube-apiserver:v1.23.3", repo + "/kube-controller-manager:v1.23.3",
                                 repo + "/kube-scheduler:v1.23.3", repo + "/kube-proxy:v1.23.3",
                                 repo + "/pause:3.6", repo + "/etcd:3.5.1-0", repo + "/coredns:v1.8.6"});
  CHECK(plan.addon_images == std::vector<std::string>{repo + "/storage-provisioner:v5"});
  for (const auto& item : everything(plan)) {
    INFO(item);
    for (auto upstream :
         {"gcr.io/", "registry.k8s.io", "dl.k8s.io", "storage.googleapis.com", "docker.io", "github.com"})
      CHECK(item.find(upstream) == std::string::npos);
  }
}

TEST_CASE("cn for v1.20.2 uses the version's own tags", "[mirror]") {
  auto plan = plan_for({"cn", "", "", "", ""}, {1, 20, 2});
  const std::string repo = "registry.cn-hangzhou.aliyuncs.com/google_containers";
  CHECK(plan.images[4] == repo + "/pause:3.2");
  CHECK(plan.images[5] == repo + "/etcd:3.4.13-0");
  CHECK(plan.images[6] == repo + "/coredns:1.7.0");
}

TEST_CASE("a custom repository keeps the images' paths - other downloads stay upstream unless mirrored",
          "[mirror]") {
  auto plan = plan_for({"", "registry.example.com/k8s", "", "", ""});
  CHECK(plan.base_image.rfind("registry.example.com/k8s/k8s-minikube/kicbase:v0.0.50@sha256:", 0) == 0);
  CHECK(plan.images[0] == "registry.example.com/k8s/kube-apiserver:v1.23.3");
  CHECK(plan.images[6] == "registry.example.com/k8s/coredns:v1.8.6");
  CHECK(plan.addon_images[0] == "registry.example.com/k8s/k8s-minikube/storage-provisioner:v5");
  CHECK(plan.binaries[0].url == "https://dl.k8s.io/release/v1.23.3/bin/linux/amd64/kubeadm");
  CHECK(plan.preload.url.rfind(
            "https://storage.googleapis.com/minikube-preloaded-volume-tarballs/v18/v1.23.3/", 0) == 0);

  auto mirrored = plan_for({"", "172.17.0.1:5000/google_containers", "http://127.0.0.1:18080/release",
                            "http://127.0.0.1:18080/preload", "mk-local/node:1"});
  CHECK(mirrored.base_image == "mk-local/node:1");
  CHECK(mirrored.images[0] == "172.17.0.1:5000/google_containers/kube-apiserver:v1.23.3");
  CHECK(mirrored.binaries[1].url == "http://127.0.0.1:18080/release/v1.23.3/bin/linux/amd64/kubelet");
  CHECK(mirrored.preload.url == "http://127.0.0.1:18080/preload/v18/v1.23.3/"
                                "preloaded-images-k8s-v18-v1.23.3-containerd-overlay2-amd64.tar.lz4");
}

TEST_CASE("no mirror flags: upstream for everything", "[mirror]") {
  auto plan = plan_for({"", "", "", "", ""});
  CHECK(plan.base_image == mirror::k_default_base_image);
  CHECK(plan.images[0] == "k8s.gcr.io/kube-apiserver:v1.23.3");
  CHECK(plan.addon_images[0] == "gcr.io/k8s-minikube/storage-provisioner:v5");
}

TEST_CASE("mirror selection probes the country's repositories and falls back with a warning", "[mirror]") {
  std::vector<std::string> probed;
  auto none = mirror::select_sources({"cn", "", "", "", ""}, [&](std::string_view r) {
    probed.emplace_back(r);
    return false;
  });
  REQUIRE(none);
  CHECK(probed == std::vector<std::string>{"registry.cn-hangzhou.aliyuncs.com/google_containers"});
  CHECK(none->sources.image_repository == "registry.cn-hangzhou.aliyuncs.com/google_containers");
  CHECK(none->warnings.size() == 1);
  CHECK(none->notes == std::vector<std::string>{
                           "Using image repository registry.cn-hangzhou.aliyuncs.com/google_containers"});
}

TEST_CASE("image-repository auto tries upstream first, then the countries", "[mirror]") {
  auto upstream = mirror::select_sources({"", "auto", "", "", ""},
                                         [](std::string_view r) { return r == "registry.k8s.io"; });
  REQUIRE(upstream);
  CHECK(upstream->sources.image_repository.empty());
  CHECK(upstream->sources.binary_base.empty());
  auto china = mirror::select_sources({"", "auto", "", "", ""}, [](std::string_view r) {
    return r.find("aliyuncs") != std::string_view::npos;
  });
  REQUIRE(china);
  CHECK(china->country == "cn");
  CHECK(china->sources.flat_image_names);
  CHECK(china->sources.binary_base ==
        "https://kubernetes.oss-cn-hangzhou.aliyuncs.com/kubernetes-release/release");
  auto nothing = mirror::select_sources({"", "auto", "", "", ""}, [](std::string_view) { return false; });
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().code == ErrorCode::network);
}

TEST_CASE("an unknown mirror country is refused", "[mirror]") {
  auto unknown = mirror::select_sources({"xx", "", "", "", ""}, nullptr);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::usage);
  CHECK(unknown.error().message.find("--image-mirror-country") != std::string::npos);
}

TEST_CASE("the dry-run text lists one artefact per line", "[mirror]") {
  auto text = mirror::format_plan(plan_for({"cn", "", "", "", ""}));
  CHECK(text.find("base image: registry.cn-hangzhou.aliyuncs.com/") == 0);
  CHECK(text.find("\npreload: https://kubernetes.oss-cn-hangzhou.aliyuncs.com/") != std::string::npos);
  CHECK(text.find("\nbinary checksum: ") != std::string::npos);
  CHECK(text.find(
            "\naddon image: registry.cn-hangzhou.aliyuncs.com/google_containers/storage-provisioner:v5\n") !=
        std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3 + 6 + 7 + 1);
}
