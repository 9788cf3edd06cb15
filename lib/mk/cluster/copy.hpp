// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"

#include <string>

// `mk cp`: one file between the host and a node, as minikube's cp: `mk cp FILE [NODE:]/PATH` copies a host
// file into a node (the primary when no node is named), `mk cp [NODE:]/PATH FILE` copies a node's file to the
// host.
namespace mk::cluster {

struct CopyEnd {
  std::string node; // empty: the host
  std::string path;
};

struct CopyPlan {
  CopyEnd source;
  CopyEnd destination;
};

// Decides the direction: a source that exists on the host goes into a node; a source named NODE:PATH (or an
// absolute path that is not a host file) comes from a node. A node path must be absolute. Usage errors
// otherwise (both ends on the host, both in nodes).
Result<CopyPlan> plan_copy(const config::ClusterConfig& config, std::string_view source,
                           std::string_view destination);

Status copy_file(Env& env, driver::Driver& driver, std::string_view profile, std::string_view source,
                 std::string_view destination);

} // namespace mk::cluster
