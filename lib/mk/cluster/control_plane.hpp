// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/config/cluster.hpp"

namespace mk::cluster {

// Whether a node's control plane was ever completed is a fact kept in the node: mk writes this marker into
// the node's /var (which outlives its container) once `kubeadm init` exits 0. Profiles of format 2 and later
// are only written by an mk that writes it.
inline constexpr const char* k_init_marker = "/var/lib/mk/control-plane-initialized";

// What an existing node's history says about its control plane.
enum class Completion {
  completed, // kubeadm init completed: the node is restarted, never recreated
  never,     // no run ever completed it: the node may be recreated
  unknown,   // an older profile's node with a kubeadm state: restarted, then confirmed through the API server
};

// Decides from the marker (`marker`), the profile's format and, for older profiles, whether kubeadm left its
// state in the node (`kubeadm_state`: admin.conf in a node, or the kubelet's config in a removed node's
// /var).
Completion control_plane_completion(int schema_version, bool marker, bool kubeadm_state);

// What `mk start` prints about a node whose control plane exists but could not be brought back: its data is
// kept, and this command recreates the cluster.
std::string recreate_advice(std::string_view profile);

} // namespace mk::cluster
