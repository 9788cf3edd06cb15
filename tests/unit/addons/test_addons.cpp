// SPDX-License-Identifier: Apache-2.0
// The built-in addons as data: every descriptor reads, every manifest renders, and image references follow
// the cluster's sources in the documented order of precedence.
#include "mk/addons/addons.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace mk;

namespace {
addons::Image pinned() {
  return {"docker.io/kubernetesui/dashboard:v2.7.0@sha256:" + std::string(64, 'a'),
          {{"cn", "registry.cn-hangzhou.aliyuncs.com/google_containers/dashboard:v2.7.0"}}};
}
} // namespace

TEST_CASE("every built-in addon reads and renders with no placeholder left", "[addons]") {
  auto all = addons::builtin_addons();
  REQUIRE(all);
  std::set<std::string> names, files, roles;
  for (const auto& addon : *all) {
    names.insert(addon.name);
    CHECK(!addon.description.empty());
    CHECK(!addon.manifests.empty());
    for (const auto& [role, image] : addon.images) {
      INFO(addon.name << " " << role);
      CHECK(roles.insert(role).second); // --images ROLE=... names one image
      if (!addon.enabled_by_default) {
        CHECK(image.upstream.find("@sha256:") != std::string::npos); // pinned
        CHECK(image.country_names.contains("cn"));
      }
    }
    for (const auto& file : addon.manifests)
      CHECK(files.insert(file).second); // every addon's files share /etc/kubernetes/addons
    auto rendered = addons::render(addon, {});
    REQUIRE(rendered);
    std::string all_text;
    for (const auto& manifest : *rendered) {
      INFO(addon.name << "/" << manifest.file);
      CHECK(manifest.text.find("{{") == std::string::npos);
      all_text += manifest.text;
    }
    for (const auto& [role, image] : addon.images) {
      INFO(addon.name << " uses image " << role);
      CHECK(all_text.find("\"" + image.upstream + "\"") != std::string::npos);
    }
    if (!addon.pod_selector.empty()) CHECK(!addon.pod_namespace.empty());
  }
  for (const char* name :
       {"dashboard", "default-storageclass", "ingress", "metrics-server", "registry", "storage-provisioner"})
    CHECK(names.contains(name));
}

TEST_CASE("an unknown addon is a usage error naming the valid ones", "[addons]") {
  auto found = addons::find_addon("registy");
  REQUIRE(!found);
  CHECK(found.error().code == ErrorCode::usage);
  CHECK(found.error().message.find("registry") != std::string::npos);
  CHECK(found.error().message.find("metrics-server") != std::string::npos);
}

TEST_CASE("addon images: upstream with its digest when no source is set", "[addons]") {
  CHECK(addons::image_reference("Dashboard", pinned(), {}) == pinned().upstream);
}

TEST_CASE("addon images: an image repository rewrites the reference and drops the digest", "[addons]") {
  addons::ImageSources sources{"172.17.0.1:5000/google_containers", false, "", {}, {}};
  CHECK(addons::image_reference("Dashboard", pinned(), sources) ==
        "172.17.0.1:5000/google_containers/kubernetesui/dashboard:v2.7.0");
}

TEST_CASE("addon images: the mirror country's own name wins over the flat repository name", "[addons]") {
  addons::ImageSources sources{"registry.cn-hangzhou.aliyuncs.com/google_containers", true, "cn", {}, {}};
  auto ingress = addons::Image{
      "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:" + std::string(64, 'b'),
      {{"cn", "registry.cn-hangzhou.aliyuncs.com/google_containers/nginx-ingress-controller:v1.15.1"}}};
  CHECK(addons::image_reference("IngressController", ingress, sources) ==
        "registry.cn-hangzhou.aliyuncs.com/google_containers/nginx-ingress-controller:v1.15.1");
  // without a name of its own, the image takes the flat name
  auto plain = addons::Image{"gcr.io/k8s-minikube/storage-provisioner:v5", {}};
  CHECK(addons::image_reference("storage-provisioner", plain, sources) ==
        "registry.cn-hangzhou.aliyuncs.com/google_containers/storage-provisioner:v5");
}

TEST_CASE("addon images: custom images and registries come first", "[addons]") {
  addons::ImageSources sources{"mirror.example/k8s", false, "", {{"Dashboard", "me/dash:1"}}, {}};
  CHECK(addons::image_reference("Dashboard", pinned(), sources) == "me/dash:1");
  sources.custom_registries["Dashboard"] = "registry.example:5000";
  CHECK(addons::image_reference("Dashboard", pinned(), sources) == "registry.example:5000/me/dash:1");
  sources.custom_images.clear();
  CHECK(addons::image_reference("Dashboard", pinned(), sources) ==
        "registry.example:5000/k8s/kubernetesui/dashboard:v2.7.0");
  CHECK(addons::registry_of("registry.example:5000/me/dash:1") == "registry.example:5000");
  CHECK(addons::registry_of("me/dash:1") == "docker.io");
}

TEST_CASE("addon images: a custom registry alone keeps the path and drops the digest", "[addons]") {
  addons::ImageSources sources{"", false, "", {}, {{"Dashboard", "localhost:5000"}}};
  CHECK(addons::image_reference("Dashboard", pinned(), sources) ==
        "localhost:5000/kubernetesui/dashboard:v2.7.0");
}
