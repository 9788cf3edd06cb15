// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"

#include <fmt/format.h>

namespace mk::cluster {

std::string binary_url(std::string_view base, const k8s::Version& version, std::string_view name) {
  return fmt::format("{}/{}/bin/linux/amd64/{}", base, version.to_string(), name);
}

k8s::ControlPlaneImages cluster_images(const config::ClusterConfig& config, const k8s::Version& version) {
  return k8s::control_plane_images(version, config.kubernetes.image_repository);
}

ProfileCertificates profile_certificates(const core::Paths& paths, std::string_view profile) {
  auto dir = paths.profile_dir(profile);
  return {dir / "apiserver.crt", dir / "apiserver.key",    dir / "client.crt",
          dir / "client.key",    dir / "proxy-client.crt", dir / "proxy-client.key"};
}

int apiserver_host_port(const config::ClusterConfig& config) {
  const auto* node = config.primary();
  if (!node) return 0;
  auto it = node->ports.find(config.kubernetes.apiserver_port);
  return it == node->ports.end() ? 0 : it->second;
}

} // namespace mk::cluster
