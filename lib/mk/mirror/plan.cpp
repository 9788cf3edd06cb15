// SPDX-License-Identifier: Apache-2.0
#include "mk/mirror/plan.hpp"

#include <fmt/format.h>

namespace mk::mirror {

std::string preload_file_name(const k8s::Version& version) {
  return fmt::format("preloaded-images-k8s-{}-{}-containerd-overlay2-amd64.tar.lz4", k_preload_version,
                     version.to_string());
}

std::string image_from_repository(std::string_view upstream, std::string_view repository, bool flat) {
  if (repository.empty()) return std::string(upstream);
  // the path after the registry: the first component is a registry when it has a '.' or ':' or is localhost
  auto slash = upstream.find('/');
  auto first = upstream.substr(0, slash);
  bool has_registry =
      slash != std::string_view::npos && (first.find('.') != std::string_view::npos ||
                                          first.find(':') != std::string_view::npos || first == "localhost");
  auto path = has_registry ? upstream.substr(slash + 1) : upstream;
  if (flat) path = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  return fmt::format("{}/{}", repository, path);
}

std::string vm_image_url(std::string_view base) {
  return fmt::format("{}/{}/mk-node-vm-{}-amd64.tar", base, k_vm_image_version, k_vm_image_version);
}

std::string base_image_for(std::string_view explicit_image, std::string_view repository, bool flat) {
  if (!explicit_image.empty()) return std::string(explicit_image);
  return image_from_repository(k_default_base_image, repository, flat);
}

static RemoteFile remote(std::string name, std::string url) {
  auto checksum = url + ".sha256";
  return {std::move(name), std::move(url), std::move(checksum)};
}

Plan resolve(const k8s::Version& version, const Sources& sources,
             const std::vector<std::string>& addon_images) {
  Plan plan;
  plan.base_image = sources.base_image;
  auto preload_base =
      sources.preload_base.empty() ? std::string(k_default_preload_base) : sources.preload_base;
  auto name = preload_file_name(version);
  plan.preload =
      remote(name, fmt::format("{}/{}/{}/{}", preload_base, k_preload_version, version.to_string(), name));
  auto binary_base = sources.binary_base.empty() ? std::string(k_default_binary_base) : sources.binary_base;
  for (const char* binary : {"kubeadm", "kubelet", "kubectl"})
    plan.binaries.push_back(
        remote(binary, fmt::format("{}/{}/bin/linux/amd64/{}", binary_base, version.to_string(), binary)));
  plan.control_plane = k8s::control_plane_images(version, sources.image_repository);
  plan.images = k8s::image_list(plan.control_plane);
  for (const auto& image : addon_images)
    plan.addon_images.push_back(
        image_from_repository(image, sources.image_repository, sources.flat_image_names));
  return plan;
}

std::string format_plan(const Plan& plan) {
  std::string text = fmt::format("base image: {}\n", plan.base_image);
  if (!plan.preload.url.empty())
    text += fmt::format("preload: {}\npreload checksum: {}\n", plan.preload.url, plan.preload.checksum_url);
  for (const auto& binary : plan.binaries)
    text += fmt::format("binary: {}\nbinary checksum: {}\n", binary.url, binary.checksum_url);
  for (const auto& image : plan.images)
    text += fmt::format("image: {}\n", image);
  for (const auto& image : plan.addon_images)
    text += fmt::format("addon image: {}\n", image);
  return text;
}

} // namespace mk::mirror
