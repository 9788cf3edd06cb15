// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/config/cluster.hpp"
#include "mk/core/paths.hpp"
#include "mk/k8s/images.hpp"
#include "mk/k8s/version.hpp"

#include <string>

namespace mk::cluster {

// mk's name for the control plane inside the cluster (minikube: control-plane.minikube.internal).
inline constexpr const char* k_control_plane_host = "control-plane.mk.internal";

// The Kubernetes binaries every node needs.
inline constexpr const char* k_node_binaries[] = {"kubeadm", "kubelet", "kubectl"};

// The download URL of a Kubernetes binary: <base>/<version>/bin/linux/amd64/<name> (dl.k8s.io layout).
std::string binary_url(std::string_view base, const k8s::Version& version, std::string_view name);

// The images of the cluster's control plane, from its image repository (or the version's default).
k8s::ControlPlaneImages cluster_images(const config::ClusterConfig& config, const k8s::Version& version);

// The host files of a profile's certificates.
struct ProfileCertificates {
  std::filesystem::path apiserver_cert, apiserver_key, client_cert, client_key, proxy_client_cert, proxy_client_key;
};
ProfileCertificates profile_certificates(const core::Paths& paths, std::string_view profile);

// The API server's host port (127.0.0.1) of the primary node; 0 when unknown.
int apiserver_host_port(const config::ClusterConfig& config);

} // namespace mk::cluster
