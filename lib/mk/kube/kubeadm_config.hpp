// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/k8s/version.hpp"

#include <string>

namespace mk::kube {

// What the kubeadm configuration of a cluster's primary control-plane node depends on.
struct KubeadmParams {
  k8s::Version version;
  std::string node_name, node_ip;
  int apiserver_port = 8443;
  std::string cluster_name = "mk";
  // Resolved to the primary node's IP through /etc/hosts inside the nodes; also the API server endpoint in
  // kubeconfigs kubeadm writes, so it must resolve before `kubeadm init`.
  std::string control_plane_host = "control-plane.mk.internal";
  std::string image_repository;                               // empty: not written (kubeadm uses its default)
  std::string cri_socket = "/run/containerd/containerd.sock"; // written with a unix:// prefix from v1.24
  std::string cgroup_driver = "cgroupfs";
  std::string pod_cidr = "10.244.0.0/16", service_cidr = "10.96.0.0/12", dns_domain = "cluster.local";
  std::string certificates_dir = "/var/lib/minikube/certs", etcd_data_dir = "/var/lib/minikube/etcd";
};

// The kubeadm configuration for `params` as one YAML text of four documents: InitConfiguration and
// ClusterConfiguration (in the kubeadm API of params.version: v1beta2, v1beta3 or v1beta4),
// KubeletConfiguration and KubeProxyConfiguration. Values are written as given: callers pass validated names,
// IPs and CIDRs.
std::string render_kubeadm_config(const KubeadmParams& params);

} // namespace mk::kube
