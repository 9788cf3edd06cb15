// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

// `mk pause` / `mk unpause`, as minikube: in every node the kubelet is stopped and the running containers of
// the chosen namespaces are frozen with the runtime's pause (the cgroup freezer); what was frozen is recorded
// in the node (k_paused_record), and the profile says the cluster is paused (so `mk status` does not wait for
// a frozen API server). The same commands work on every driver: they run in the node.
namespace mk::cluster {

inline constexpr const char* k_paused_record = "/var/lib/mk/paused"; // one container ID per line

// minikube's default namespaces: kube-system, kubernetes-dashboard, istio-operator.
std::vector<std::string> default_pause_namespaces();

// Pauses every running node of `profile`; `namespaces` empty: every namespace. Returns how many containers
// were frozen.
Result<int> pause(Env& env, driver::Driver& driver, std::string_view profile,
                  const std::vector<std::string>& namespaces);

// Thaws what pause froze, starts the kubelets and waits until the API server is healthy. Returns how many
// containers were thawed.
Result<int> unpause(Env& env, driver::Driver& driver, std::string_view profile);

// The same for a caller that holds the profile's lock (mk start on a paused cluster). With `start_kubelets`
// false the containers are only thawed (before a stop or delete: frozen processes cannot end); the profile is
// saved unpaused either way.
Result<int> unpause_locked(Env& env, driver::Driver& driver, config::ClusterConfig& config,
                           bool start_kubelets);

// The scripts run in each node (for tests): pause takes the namespaces as arguments (none: all).
std::string pause_script();
std::string unpause_script(bool start_kubelet);

} // namespace mk::cluster
