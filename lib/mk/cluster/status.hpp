// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

namespace mk::cluster {

// One node's line of `mk status`, with minikube's field values: Running, Stopped, Nonexistent, Paused, Error,
// Configured, Misconfigured, Irrelevant.
struct NodeStatus {
  std::string name;
  bool control_plane = true;
  std::string host;
  std::string kubelet;
  std::string apiserver;
  std::string kubeconfig;
};

struct ClusterStatus {
  std::string profile;
  std::vector<NodeStatus> nodes;
};

// minikube's exit code bits: 1 when a host is not Running, 2 when a kubelet or API server is neither Running
// nor Irrelevant, 4 when the kubeconfig is neither Configured nor Irrelevant; 7 when there are no nodes.
int status_exit_code(const ClusterStatus& status);

// The status of profile `profile`; not_found when the profile does not exist.
Result<ClusterStatus> cluster_status(Env& env, driver::Driver& driver, std::string_view profile);

// The human-readable block (one per node, blank line after each) and the JSON form.
std::string format_status_text(const ClusterStatus& status);
std::string format_status_json(const ClusterStatus& status);

// The error for a command on a profile that does not exist (exit 85).
Error profile_not_found(std::string_view profile);
// The error for a command that needs a running cluster (or node `node`) when it is not (exit 80).
Error not_running(std::string_view profile, std::string_view node = {});

} // namespace mk::cluster
