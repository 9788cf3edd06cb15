// SPDX-License-Identifier: Apache-2.0
#include "cmd/app.hpp"
#include "cmd/table.hpp"
#include "mk/cluster/profiles.hpp"
#include "mk/core/build_info.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cmd {

Result<int> run_profile_list(App& app) {
  auto rows =
      cluster::list_profiles(app.env(), [&](std::string_view name) { return app.driver_named(name); });
  if (app.invocation().output == "json") {
    auto list = nlohmann::ordered_json::array();
    for (const auto& r : rows)
      list.push_back({{"Name", r.name},
                      {"Driver", r.driver},
                      {"IP", r.ip},
                      {"Port", r.port},
                      {"KubernetesVersion", r.version},
                      {"Status", r.status},
                      {"Nodes", r.nodes}});
    fmt::print("{}\n", nlohmann::ordered_json{{"valid", list}}.dump());
    return 0;
  }
  if (rows.empty()) {
    fmt::print("No profiles. Create one with: mk start\n");
    return 0;
  }
  std::vector<std::vector<std::string>> table = {
      {"PROFILE", "DRIVER", "IP", "PORT", "VERSION", "STATUS", "NODES"}};
  for (const auto& r : rows)
    table.push_back({r.name, r.driver, r.ip, r.port ? std::to_string(r.port) : "",
                     r.version.empty() ? "-" : r.version, r.status, std::to_string(r.nodes)});
  print_table(table);
  return 0;
}

Result<int> run_version(App& app) {
  if (app.invocation().output == "json")
    fmt::print("{}\n",
               nlohmann::ordered_json{{"mkVersion", core::k_version}, {"commit", core::k_commit}}.dump());
  else
    fmt::print("mk version: {}\ncommit: {}\n", core::k_version, core::k_commit);
  return 0;
}

} // namespace mk::cmd
