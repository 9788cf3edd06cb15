// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"
#include "mk/kube/node_files.hpp"

#include <map>
#include <string>
#include <vector>

// The pod network across a cluster's nodes. Each node's bridge network uses the node's own pod CIDR (mk
// assigns them by node number: see node_pod_cidr in kubernetes.hpp); every node routes each other node's CIDR
// to that node's IP on the network they share (one L2 segment), and NATs only traffic that leaves the cluster
// CIDR, so pods see each other's own addresses. mk programs the routes whenever the node set changes or a
// node starts (a node's routes go with its network namespace).
namespace mk::cluster {

// The routes node `node` needs: every other node's recorded pod CIDR via its IP.
std::vector<kube::PodRoute> pod_routes_for(const config::ClusterConfig& config, std::string_view node);

// Programs the routes in every running node of `config` (pod_routes_script); a node that is not running is
// skipped (its routes are made when it starts).
Status sync_pod_routes(driver::Driver& driver, const config::ClusterConfig& config);

} // namespace mk::cluster
