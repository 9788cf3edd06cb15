// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"

#include "mk/kube/node_files.hpp"
#include "mk/mirror/select.hpp"
#include "mk/net/ipv4.hpp"

#include <fmt/format.h>

namespace mk::cluster {

mirror::Sources sources_of(const config::ClusterConfig& config) {
  const auto& k = config.kubernetes;
  return {config.base_image, k.image_repository, mirror::flat_repository(k.image_repository), k.binary_mirror,
          k.preload_mirror};
}

bool addon_enabled(const config::ClusterConfig& config, const addons::Addon& addon) {
  auto recorded = config.addons.find(addon.name);
  return recorded != config.addons.end() ? recorded->second : addon.enabled_by_default;
}

Result<std::vector<addons::Addon>> enabled_addons(const config::ClusterConfig& config) {
  std::vector<addons::Addon> chosen;
  for (auto& addon : MK_TRY(addons::builtin_addons()))
    if (addon_enabled(config, addon)) chosen.push_back(std::move(addon));
  return chosen;
}

addons::ImageSources addon_image_sources(const config::ClusterConfig& config) {
  const auto& repository = config.kubernetes.image_repository;
  return {repository, mirror::flat_repository(repository), mirror::country_of_repository(repository),
          config.custom_addon_images, config.custom_addon_registries};
}

Result<mirror::Plan> plan_of(const config::ClusterConfig& config) {
  auto version = MK_TRY(k8s::parse_version(config.kubernetes.version));
  auto plan = mirror::resolve(version, sources_of(config), {});
  auto sources = addon_image_sources(config);
  for (const auto& addon : MK_TRY(enabled_addons(config)))
    for (const auto& [role, image] : addon.images)
      plan.addon_images.push_back(addons::image_reference(role, image, sources));
  return plan;
}

ProfileCertificates profile_certificates(const core::Paths& paths, std::string_view profile) {
  auto dir = paths.profile_dir(profile);
  return {dir / "apiserver.crt", dir / "apiserver.key",    dir / "client.crt",
          dir / "client.key",    dir / "proxy-client.crt", dir / "proxy-client.key"};
}

Result<std::string> node_pod_cidr(std::string_view cluster_cidr, int number) {
  auto cidr = MK_TRY(net::parse_cidr(cluster_cidr));
  uint64_t index = number > 0 ? static_cast<uint64_t>(number - 1) : 0;
  if (cidr.prefix > 24 || index >= (uint64_t{1} << (24 - cidr.prefix)))
    return fail(ErrorCode::usage,
                fmt::format("the pod subnet {} has no /24 for node number {}", cluster_cidr, number));
  return net::Cidr{cidr.network.plus(static_cast<uint32_t>(index << 8)), 24}.to_string();
}

exec::Command admin_kubectl(const k8s::Version& version, std::vector<std::string> args,
                            std::chrono::milliseconds timeout) {
  exec::Command command{{kube::binaries_dir(version) + "/kubectl", "--kubeconfig", kube::k_admin_kubeconfig},
                        {},
                        {},
                        timeout,
                        {}};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  return command;
}

int apiserver_host_port(const config::ClusterConfig& config) {
  const auto* node = config.primary();
  if (!node) return 0;
  auto it = node->ports.find(config.kubernetes.apiserver_port);
  return it == node->ports.end() ? 0 : it->second;
}

} // namespace mk::cluster
