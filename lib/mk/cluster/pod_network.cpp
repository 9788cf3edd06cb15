// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/pod_network.hpp"

#include <fmt/format.h>

namespace mk::cluster {

using namespace std::chrono_literals;

std::vector<kube::PodRoute> pod_routes_for(const config::ClusterConfig& config, std::string_view node) {
  std::vector<kube::PodRoute> routes;
  for (const auto& other : config.nodes)
    if (other.name != node && !other.pod_cidr.empty() && !other.ip.empty())
      routes.push_back({other.pod_cidr, other.ip});
  return routes;
}

Status sync_pod_routes(driver::Driver& driver, const config::ClusterConfig& config) {
  for (const auto& node : config.nodes) {
    auto info = MK_TRY(driver.inspect_node(node.name));
    if (info.state != driver::State::running) continue;
    auto runner = driver.node_runner(node.name);
    auto script = kube::pod_routes_script(config.kubernetes.pod_cidr, pod_routes_for(config, node.name));
    auto result = exec::run_checked(*runner, {{"sh", "-c", script}, {}, {}, 30s, {}}, ErrorCode::node_failed);
    if (!result)
      return fail(std::move(result).error().wrap(fmt::format("routing pod traffic in node {}", node.name)));
  }
  return {};
}

} // namespace mk::cluster
