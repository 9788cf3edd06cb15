// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/addons/addons.hpp"
#include "mk/config/cluster.hpp"
#include "mk/core/paths.hpp"
#include "mk/exec/runner.hpp"
#include "mk/k8s/images.hpp"
#include "mk/k8s/version.hpp"
#include "mk/mirror/plan.hpp"

#include <string>

namespace mk::cluster {

// mk's name for the control plane inside the cluster (minikube: control-plane.minikube.internal).
inline constexpr const char* k_control_plane_host = "control-plane.mk.internal";

// The Kubernetes binaries every node needs.
inline constexpr const char* k_node_binaries[] = {"kubeadm", "kubelet", "kubectl"};

// Where the cluster's artefacts come from, as its profile records them.
mirror::Sources sources_of(const config::ClusterConfig& config);

// Whether the cluster runs `addon`: what the profile records, else the addon's default.
bool addon_enabled(const config::ClusterConfig& config, const addons::Addon& addon);
// The addons the cluster runs.
Result<std::vector<addons::Addon>> enabled_addons(const config::ClusterConfig& config);

// Where the cluster's addon images come from (its image repository and mirror country, the custom images and
// registries of `mk addons enable`).
addons::ImageSources addon_image_sources(const config::ClusterConfig& config);

// Everything a start of this Kubernetes cluster may fetch (the one resolver behind downloads, pulls and
// --dry-run).
Result<mirror::Plan> plan_of(const config::ClusterConfig& config);

// The host files of a profile's certificates.
struct ProfileCertificates {
  std::filesystem::path apiserver_cert, apiserver_key, client_cert, client_key, proxy_client_cert,
      proxy_client_key;
};
ProfileCertificates profile_certificates(const core::Paths& paths, std::string_view profile);

// The pod CIDR of node number `number` (1: the primary) of a cluster whose pod subnet is `cluster_cidr`: its
// number-th /24 (10.244.0.0/24, 10.244.1.0/24, ...). mk assigns these itself rather than the controller
// manager's node IPAM, whose start delays the controllers after it by 10 s (see
// tests/fixtures/kubeadm/DIFFERENCES.md); an error when the subnet has no such /24.
Result<std::string> node_pod_cidr(std::string_view cluster_cidr, int number);

// `kubectl ARGS` of `version` run in the primary node with the cluster's admin kubeconfig.
exec::Command admin_kubectl(const k8s::Version& version, std::vector<std::string> args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The API server's host port (127.0.0.1) of the primary node; 0 when unknown.
int apiserver_host_port(const config::ClusterConfig& config);

} // namespace mk::cluster
