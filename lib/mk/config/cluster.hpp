// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mk::config {

// One node of a cluster as recorded in the profile. Ports are the host ports (on 127.0.0.1) that the engine
// published for the node's container ports; they change on every container start.
struct NodeConfig {
  std::string
      name; // container name and hostname: the profile name for the primary node, then <profile>-m02, ...
  std::string ip;
  bool control_plane = true;
  std::map<int, int> ports; // container port -> host port
  std::string
      pod_cidr{}; // the node's pod CIDR (its bridge network), once known; routed to it from the others
  bool operator==(const NodeConfig&) const = default;
};

// Kubernetes settings of a cluster; unused when the cluster was started with --no-kubernetes.
struct KubernetesConfig {
  std::string version;                          // "v1.20.2"
  std::string image_repository;                 // empty: the upstream registry for that version
  std::vector<std::string> insecure_registries; // host:port reached over plain HTTP
  std::vector<std::string> registry_mirrors;    // mirrors for docker.io pulls
  std::string binary_mirror;        // replaces the official release host for kubeadm/kubelet/kubectl
  std::string preload_mirror;       // replaces the preload bucket
  std::string image_mirror_country; // the mirror country whose sources the cluster uses, or empty
  bool initialized =
      false; // kubeadm init completed on the primary node (informative: the node's marker decides)
  int apiserver_port = 8443;
  std::string service_cidr = "10.96.0.0/12";
  std::string pod_cidr = "10.244.0.0/16";
  std::string dns_domain = "cluster.local";
  bool operator==(const KubernetesConfig&) const = default;
};

// The version of the profile format this mk writes. 1: profiles from before the field existed (their nodes
// carry no completion marker, see cluster/control_plane.hpp); 2: the node records whether kubeadm init
// completed.
inline constexpr int k_schema_version = 2;

// A profile: everything mk needs to recreate, restart or describe a cluster. Stored as
// MK_HOME/profiles/<name>/config.json.
struct ClusterConfig {
  // The format the profile was read in (older files are migrated on load, but keep their version until the
  // start that upgrades them has checked the node: see cluster/control_plane.hpp); new profiles: current.
  int schema_version = k_schema_version;
  std::string name;
  std::string driver;
  std::string base_image;
  int cpus = 2;        // 0: no limit
  int memory_mb = 0;   // 0: no limit
  int disk_mb = 0;     // VM nodes' disk; 0: the driver's default
  std::string network; // engine network name
  std::string subnet;  // "192.168.49.0/24"
  std::string gateway; // "192.168.49.1"
  std::string static_ip;
  bool kubernetes_enabled = true;
  KubernetesConfig kubernetes;
  bool keep_context = false;
  std::map<std::string, bool> addons; // addon -> chosen on/off (absent: the addon's default)
  // `mk addons enable --images/--registries`: image role -> reference / registry host
  std::map<std::string, std::string> custom_addon_images;
  std::map<std::string, std::string> custom_addon_registries;
  std::vector<NodeConfig> nodes;
  // the highest node number this profile ever used (2 for <profile>-m02), so that a deleted node's name is
  // not given again; 0 in profiles from before multi-node clusters (then the node names tell)
  int highest_node_number = 0;
  // `mk pause` froze the cluster (the nodes hold what was frozen); `mk status` then skips the frozen API
  // server
  bool paused = false;
  bool operator==(const ClusterConfig&) const = default;

  // The primary (first) node; the config always has one once the node was created.
  const NodeConfig* primary() const { return nodes.empty() ? nullptr : &nodes.front(); }
  NodeConfig* primary() { return nodes.empty() ? nullptr : &nodes.front(); }
};

// The profile as JSON text (stable key order, 2-space indent).
std::string to_json_text(const ClusterConfig& config);
// Parses a profile, migrating older formats; an error with the reason when the text is not a valid profile or
// was written by a newer mk.
Result<ClusterConfig> cluster_from_json_text(std::string_view text);

// The name of node `index` (0-based) of `profile`: the profile name, then <profile>-m02, <profile>-m03, ...
std::string node_name(std::string_view profile, int index);
// The number of node `name` of `profile` (1 for the primary, 2 for <profile>-m02, ...); 0 for another name.
int node_number(std::string_view profile, std::string_view name);
// The number of the next node `mk node add` makes: one more than the highest ever used in the profile.
int next_node_number(const ClusterConfig& config);
// The node named `name`, or nullptr.
const NodeConfig* find_node(const ClusterConfig& config, std::string_view name);

} // namespace mk::config
