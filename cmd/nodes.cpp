// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/nodes.hpp"

#include "cmd/app.hpp"
#include "mk/cluster/pause.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace mk::cmd {

Result<int> run_node_add(App& app) {
  if (app.invocation().control_plane)
    return fail(Error{ErrorCode::usage,
                      "mk clusters have one control plane: adding control-plane nodes (HA) is not supported",
                      {},
                      {},
                      "mk node add adds a worker"});
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto name = MK_TRY(cluster::add_node(app.env(), *driver, app.invocation().profile));
  fmt::print("Node {} added to cluster {}.\n", name, app.invocation().profile);
  return 0;
}

Result<int> run_node_delete(App& app) {
  auto* driver = MK_TRY(app.existing_profile_driver());
  MK_TRY(cluster::delete_node(app.env(), *driver, app.invocation().profile, app.invocation().node));
  fmt::print("Node {} deleted.\n", app.invocation().node);
  return 0;
}

Result<int> run_node_stop(App& app) {
  auto* driver = MK_TRY(app.existing_profile_driver());
  bool stopped =
      MK_TRY(cluster::stop_node(app.env(), *driver, app.invocation().profile, app.invocation().node));
  fmt::print("Node {} {}.\n", app.invocation().node, stopped ? "stopped" : "was not running");
  return 0;
}

Result<int> run_node_start(App& app) {
  auto* driver = MK_TRY(app.existing_profile_driver());
  MK_TRY(cluster::start_node(app.env(), *driver, app.invocation().profile, app.invocation().node));
  fmt::print("Node {} started.\n", app.invocation().node);
  return 0;
}

Result<int> run_pause(App& app) {
  const auto& in = app.invocation();
  if (in.all_namespaces && !in.namespaces.empty())
    return fail(ErrorCode::usage, "--namespaces and --all-namespaces go alone: choose one");
  auto* driver = MK_TRY(app.existing_profile_driver());
  std::vector<std::string> namespaces;
  if (!in.all_namespaces)
    namespaces =
        in.namespaces.empty() ? cluster::default_pause_namespaces() : core::split(in.namespaces, ',', true);
  auto paused = MK_TRY(cluster::pause(app.env(), *driver, in.profile, namespaces));
  fmt::print("Paused {} container{} in {}.\n", paused, paused == 1 ? "" : "s",
             in.all_namespaces ? "every namespace" : fmt::format("{}", fmt::join(namespaces, ", ")));
  return 0;
}

Result<int> run_unpause(App& app) {
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto thawed = MK_TRY(cluster::unpause(app.env(), *driver, app.invocation().profile));
  fmt::print("Unpaused {} container{}.\n", thawed, thawed == 1 ? "" : "s");
  return 0;
}

} // namespace mk::cmd
