// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <string>
#include <vector>

namespace mk::cluster {

// `mk start` flags as typed (empty strings for flags not given).
struct StartFlags {
  std::string profile = "mk";
  std::string driver;
  std::string base_image;
  std::string vm_image;
  std::string disk_size;
  std::string nodes; // --nodes
  bool no_kubernetes = false;
  std::string kubernetes_version;
  std::string cpus;
  std::string memory;
  std::string subnet;
  std::string static_ip;
  bool force = false;
  std::string image_repository;
  std::vector<std::string> insecure_registries;
  std::string binary_mirror;
  bool keep_context = false;
  std::string image_mirror_country;
  std::vector<std::string> registry_mirrors;
  std::string preload_mirror;
  bool download_only = false;
  bool dry_run = false;
  bool preload = true;
  std::string addons; // --addons: comma-separated names to enable
  std::string wait;   // --wait: components, "all" or "none"; empty: the default
};

// Facts about this machine that validation needs.
struct HostFacts {
  int cpus = 1;
  long long memory_mb = 0;
};

// What `mk start` waits for before it returns (minikube's --wait components). The API server is always waited
// for: mk applies the default addons through it.
struct WaitFor {
  bool node_ready =
      true; // node_ready, kubelet: the node is Ready in a status its kubelet sent since the start
  bool default_sa = true;   // default_sa: the `default` ServiceAccount exists (pods can be created)
  bool system_pods = false; // system_pods, apps_running, extra: the control plane's pods and kube-proxy run
  bool operator==(const WaitFor&) const = default;
};
// Parses --wait: a comma-separated list of apiserver, system_pods, default_sa, apps_running, node_ready,
// kubelet, extra; or all, none (also true/false, as minikube). Empty: the default (node_ready, default_sa).
Result<WaitFor> parse_wait(std::string_view text);

// `mk start` after validation: every value checked and resolved.
struct StartRequest {
  std::string profile;
  std::string driver;     // empty: auto-detect (or the existing profile's)
  std::string base_image; // empty: the default, or the existing profile's
  std::string vm_image;   // VM drivers' node image (a URL or a host path); empty: the default
  int disk_mb = 0;        // VM drivers' node disk; 0: the driver's default
  int nodes = 0; // --nodes: how many nodes a new cluster gets (an existing one must have as many); 0: 1
  bool kubernetes = true;
  std::string kubernetes_version; // empty: the existing profile's, or the default
  int cpus = 2;
  int memory_mb = 0;
  bool cpus_given = false;
  bool memory_given = false;
  std::string subnet;
  std::string static_ip;
  bool force = false;
  std::string image_repository;                 // normalised: no scheme, no trailing slash
  std::vector<std::string> insecure_registries; // host:port
  std::string binary_mirror;                    // http(s) base URL without trailing slash
  bool keep_context = false;
  std::string image_mirror_country;          // a known country
  std::vector<std::string> registry_mirrors; // http(s)://host[:port] for docker.io pulls
  std::string preload_mirror;                // http(s) base URL without trailing slash
  bool download_only = false;                // fill the cache, create nothing
  bool dry_run = false;                      // print the plan, touch nothing
  bool preload = true;             // false: binaries and images one by one, even when a preload exists
  WaitFor wait{};                  // what a Kubernetes start waits for before it returns
  std::vector<std::string> addons; // --addons: built-in addons to enable (recorded in the profile)
};

// Checks every flag before anything is created; usage error naming the flag otherwise.
Result<StartRequest> validate_start_flags(const StartFlags& flags, const HostFacts& host);

// The memory a node gets by default: a quarter of the machine, at least 3072 MB but never more than the
// machine has (minus 48 MB).
int default_memory_mb(long long host_memory_mb);

// This machine's CPU count and memory.
HostFacts detect_host_facts();

} // namespace mk::cluster
