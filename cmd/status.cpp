// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/status.hpp"

#include "cmd/app.hpp"
#include "mk/cluster/nodes.hpp"

#include <fmt/format.h>

namespace mk::cmd {

Result<int> run_status(App& app) {
  const auto& profile = app.invocation().profile;
  auto config = MK_TRY(app.env().store.load(profile));
  if (!config) return fail(cluster::profile_not_found(profile));
  auto* driver = app.driver_named(config->driver);
  if (!driver)
    return fail(ErrorCode::driver_unavailable,
                fmt::format("the profile's driver {} is not built in", config->driver));
  auto status = MK_TRY(cluster::cluster_status(app.env(), *driver, profile));
  if (!app.invocation().node.empty()) {
    auto node = MK_TRY(cluster::node_named(*config, app.invocation().node));
    std::erase_if(status.nodes, [&](const auto& line) { return line.name != node.name; });
  }
  fmt::print("{}", app.invocation().output == "json" ? cluster::format_status_json(status)
                                                     : cluster::format_status_text(status));
  return cluster::status_exit_code(status);
}

} // namespace mk::cmd
