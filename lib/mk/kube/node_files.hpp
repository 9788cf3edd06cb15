// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/k8s/version.hpp"

#include <string>
#include <vector>

namespace mk::kube {

// In-node paths, kept as minikube has them so preloads and habits carry over.
inline constexpr const char* k_binaries_root =
    "/var/lib/minikube/binaries"; // /<version>/{kubeadm,kubelet,kubectl}
inline constexpr const char* k_certs_dir = "/var/lib/minikube/certs";
inline constexpr const char* k_kubeadm_config = "/var/tmp/minikube/kubeadm.yaml";
inline constexpr const char* k_addons_dir = "/etc/kubernetes/addons";
inline constexpr const char* k_admin_kubeconfig = "/etc/kubernetes/admin.conf";
inline constexpr const char* k_kubelet_prep = "/usr/local/bin/mk-kubelet-prep";
inline constexpr const char* k_containerd_socket = "/run/containerd/containerd.sock";
inline constexpr const char* k_cni_config = "/etc/cni/net.d/1-k8s.conflist";
inline constexpr const char* k_kubelet_kubeconfig = "/etc/kubernetes/kubelet.conf"; // written by kubeadm

// Kubernetes < 1.24: the kubelet's embedded cAdvisor asks Docker for its root directory at every kubelet
// start and, when no Docker engine answers, retries for 5 s (cadvisor container/docker/factory.go: 5 tries, 1
// s apart) before the kubelet does anything else. The node has no Docker engine; this socket (systemd, one
// process per connection) says so at once, and the kubelet's --docker (cAdvisor's endpoint) names it.
inline constexpr const char* k_docker_info_socket = "/run/mk/docker-info.sock";
inline constexpr const char* k_docker_info_script = "/usr/local/bin/mk-docker-info";
// Whether a kubelet of `version` probes Docker (and has --docker).
bool kubelet_probes_docker(const k8s::Version& version);
// The socket unit, its per-connection service and the answering script.
std::string docker_info_socket_unit();
std::string docker_info_service_unit();
std::string docker_info_script();

// What the node files depend on.
struct NodeFilesParams {
  k8s::Version version;
  std::string node_name;
  std::string node_ip;
  std::string control_plane_host; // resolved to control_plane_ip through /etc/hosts
  std::string control_plane_ip;   // the primary node's IP (empty: node_ip, the node is the primary)
  std::string sandbox_image;      // pause image from the chosen repository
  std::string cgroup_driver = "cgroupfs";
  bool restrict_oom_score_adj = false;    // the node cannot set negative OOM scores (no CAP_SYS_RESOURCE)
  std::string pod_cidr = "10.244.0.0/24"; // this node's pod CIDR: the bridge network's addresses
  std::string cluster_cidr =
      "10.244.0.0/16"; // every node's pod CIDR is inside it: traffic there is not NATed
  // the node shares the host's kernel (a container): kernel settings the kubelet wants are shown to it
  // read-only instead of being written host-wide; a VM has its own kernel and needs no such guard
  bool sysctl_guard = true;
};

// The directory of the Kubernetes binaries of `version` in the node.
std::string binaries_dir(const k8s::Version& version);

// /etc/containerd/config.toml: CRI with the sandbox image, cgroup driver, CNI paths and certs.d registry
// hosts.
std::string containerd_config(const NodeFilesParams& params);
// /etc/containerd/certs.d/<host>/hosts.toml for a plain-HTTP registry `host` ("172.17.0.1:5000"), reached at
// `reached_at` (a VM node reaches a registry on the host's loopback at another address; empty: `host`).
std::string insecure_registry_hosts(std::string_view host, std::string_view reached_at = {});
// /etc/containerd/certs.d/docker.io/hosts.toml: docker.io pulls try `mirrors` (http(s)://host[:port]) in
// order, then Docker Hub itself.
std::string docker_hub_mirror_hosts(const std::vector<std::string>& mirrors);
// /lib/systemd/system/kubelet.service
std::string kubelet_unit(const NodeFilesParams& params);
// /etc/systemd/system/kubelet.service.d/10-kubeadm.conf: the kubelet's flags for this version and node.
std::string kubelet_dropin(const NodeFilesParams& params);
// k_kubelet_prep, run before every kubelet start: the control-plane name in /etc/hosts, a /dev/kmsg when the
// node has none, pods' traffic leaving the cluster CIDR masqueraded (inside it pods see each other's
// addresses), and the kernel settings the kubelet insists on shown to it through read-only bind mounts
// (node mount namespace only), so it neither fails nor changes the host.
std::string kubelet_prep_script(const NodeFilesParams& params);
// /etc/cni/net.d/1-k8s.conflist: a bridge network over the node's pod CIDR, without NAT (the prep script
// masquerades only traffic that leaves the cluster CIDR).
std::string bridge_cni_config(const NodeFilesParams& params);

// A route to another node's pods: its pod CIDR via its IP on the nodes' shared network.
struct PodRoute {
  std::string cidr;
  std::string via;
  bool operator==(const PodRoute&) const = default;
};
// The script that makes the node's routes into `cluster_cidr` exactly `routes` (replacing them, deleting
// routes via a gateway that are no longer wanted; the node's own bridge route is left alone). Idempotent.
std::string pod_routes_script(std::string_view cluster_cidr, const std::vector<PodRoute>& routes);
// /etc/systemd/system.conf.d/10-mk-stop.conf: services get 5 s to stop, so `mk stop` is clean in seconds.
std::string systemd_stop_timeout();

} // namespace mk::kube
