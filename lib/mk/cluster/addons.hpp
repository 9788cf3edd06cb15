// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/addons/addons.hpp"
#include "mk/cluster/env.hpp"
#include "mk/cluster/node_files_sync.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"
#include "mk/k8s/version.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

// Addons in a cluster: their manifests rendered for the cluster's image sources, copied into the primary node
// (kube::k_addons_dir) and applied there with the cluster's kubectl; `mk addons enable|disable|list|images`.
namespace mk::cluster {

// The node files of `chosen`, rendered for the cluster's image sources.
Result<std::vector<NodeFile>> addon_files(const config::ClusterConfig& config,
                                          const std::vector<addons::Addon>& chosen);

// `kubectl apply` of `files` (already in the node), retried for up to `patience` while the API server
// settles (RBAC and service accounts right after kubeadm init).
Status apply_addon_files(exec::Runner& node, const k8s::Version& version, const std::vector<NodeFile>& files,
                         std::chrono::seconds patience);

// Deletes the objects of those of `paths` that exist in the node (`kubectl delete --ignore-not-found`), then
// the files, so a later start does not apply them again. One command in the node.
Status delete_addon_files(exec::Runner& node, const k8s::Version& version,
                          const std::vector<std::string>& paths);

// One row of `mk addons list`.
struct AddonRow {
  std::string name;
  std::string description;
  bool enabled = false;
  std::vector<std::string> images; // references for the profile's sources
};
// Every built-in addon and whether `profile` enables it (a profile that does not exist: the defaults, with
// upstream images).
Result<std::vector<AddonRow>> list_addons(Env& env, std::string_view profile);

// One row of `mk addons images NAME`.
struct AddonImageRow {
  std::string role;
  std::string reference;
  std::string registry;
};
Result<std::vector<AddonImageRow>> addon_images(Env& env, std::string_view profile, std::string_view name);

struct AddonChange {
  std::string name;
  bool enable = true;
  std::map<std::string, std::string> images;     // role -> reference (--images)
  std::map<std::string, std::string> registries; // role -> registry host (--registries)
  std::chrono::seconds wait{0};                  // >0: wait this long for the addon's pods to be Ready
};

// What `change_addon` did.
enum class AddonOutcome {
  applied,  // the cluster runs: its objects were applied (or deleted)
  recorded, // the cluster is stopped: the profile records the choice, the next start applies it
};

// Enables or disables an addon of `profile`: an unknown addon or image role is a usage error naming the
// valid ones; a paused cluster is refused (conflict). The profile records the choice only once the cluster
// took it (or at once for a stopped cluster).
Result<AddonOutcome> change_addon(Env& env, driver::Driver& driver, std::string_view profile,
                                  const AddonChange& change);

// Waits until every pod of `addon` is Ready (and there is one); on timeout the error names a pod that is not,
// its waiting reason and its last event (e.g. ImagePullBackOff and the image reference).
Status wait_for_addon_pods(exec::Runner& node, const k8s::Version& version, const addons::Addon& addon,
                           std::chrono::seconds timeout);

} // namespace mk::cluster
