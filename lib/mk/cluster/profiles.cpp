// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/profiles.hpp"

namespace mk::cluster {

std::vector<ProfileSummary>
list_profiles(Env& env, const std::function<driver::Driver*(std::string_view)>& driver_for) {
  std::vector<ProfileSummary> rows;
  for (const auto& name : env.store.names()) {
    ProfileSummary row{name, {}, {}, 0, {}, "Error", 0};
    auto config = env.store.load(name);
    if (config && *config) {
      const auto& c = **config;
      row.driver = c.driver;
      row.version = c.kubernetes_enabled ? c.kubernetes.version : "";
      row.nodes = c.nodes.size();
      if (const auto* primary = c.primary()) {
        row.ip = primary->ip;
        if (auto port = primary->ports.find(c.kubernetes.apiserver_port); port != primary->ports.end())
          row.port = port->second;
        if (auto* driver = driver_for(c.driver)) {
          auto info = driver->inspect_node(primary->name);
          row.status = info ? std::string(driver::to_string(info->state)) : "Error";
        } else {
          row.status = "Unknown";
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

} // namespace mk::cluster
