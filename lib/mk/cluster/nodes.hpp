// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"

#include <string>

// `mk node add|delete|stop|start`: one node of an existing cluster.
namespace mk::cluster {

// The node named `name` of `config` (empty: the primary); not_found (exit 85) naming the nodes otherwise.
Result<config::NodeConfig> node_named(const config::ClusterConfig& config, std::string_view name);

// A conflict (exit 11, advice: mk unpause) when the cluster is paused: its frozen processes cannot end, be
// drained or take new objects.
Status refuse_paused(const config::ClusterConfig& config);

// Adds a worker to the running cluster `profile`: made from the profile's node image and artefacts (the
// cache, then the profile's sources), joined with a short-lived token, Ready. Returns its name. A failure or
// an interrupt removes the new node (container, volume, Node object, profile entry) and nothing else.
Result<std::string> add_node(Env& env, driver::Driver& driver, std::string_view profile);

// Drains worker `name`, resets its kubelet, deletes its Node object, removes its container and volume and
// drops it from the profile; the other nodes' routes follow. The primary is refused (usage: use mk delete).
Status delete_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name);

// Stops node `name` cleanly; returns whether it was running.
Result<bool> stop_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name);

// Starts node `name` of a cluster whose primary runs (or the primary itself) and waits until it is Ready
// again; every node's pod routes are made again.
Status start_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name);

} // namespace mk::cluster
