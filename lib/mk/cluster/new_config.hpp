// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/config/cluster.hpp"
#include "mk/mirror/select.hpp"
#include "mk/ui/reporter.hpp"

namespace mk::cluster {

// The profile of a new cluster started with `request` on `driver`, with the sources `selection` chose.
config::ClusterConfig new_cluster_config(const StartRequest& request, std::string_view driver,
                                         const mirror::Selection& selection);

// Checks `request` against an existing cluster: conflict for flags that cannot change it (Kubernetes on/off,
// its version), a warning for the ones that are ignored (resources, node image, subnet, image repository).
Status check_existing(const config::ClusterConfig& existing, const StartRequest& request, ui::Reporter& ui);

// The configuration a start with `request` works with, without saving anything: the existing profile's
// (checked with check_existing), else a new one whose sources are selected (reachability probes only with
// `probe`; the choice is reported on `env.ui`).
Result<config::ClusterConfig> config_for_request(Env& env, const StartRequest& request,
                                                 std::string_view driver, bool probe);

} // namespace mk::cluster
