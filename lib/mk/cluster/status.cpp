// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/status.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cluster {

Error profile_not_found(std::string_view profile) {
  return Error{ErrorCode::not_found, fmt::format("profile \"{}\" not found", profile), {}, {},
               fmt::format("run \"mk profile list\" to see all profiles, or \"mk start -p {}\" to create it", profile)};
}

int status_exit_code(const ClusterStatus& status) {
  if (status.nodes.empty()) return 7;
  int code = 0;
  for (const auto& node : status.nodes) {
    if (node.host != "Running") code |= 1;
    auto running = [](const std::string& s) { return s == "Running" || s == "Irrelevant"; };
    if (!running(node.kubelet) || !running(node.apiserver)) code |= 2;
    if (node.kubeconfig != "Configured" && node.kubeconfig != "Irrelevant") code |= 4;
  }
  return code;
}

Result<ClusterStatus> cluster_status(Env& env, driver::Driver& driver, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  ClusterStatus status{std::string(profile), {}};
  for (const auto& node : config->nodes) {
    NodeStatus line{node.name, node.control_plane, {}, {}, {}, {}};
    auto info = MK_TRY(driver.inspect_node(node.name));
    line.host = std::string(driver::to_string(info.state));
    if (!config->kubernetes_enabled) {
      line.kubelet = line.apiserver = line.kubeconfig = "Irrelevant";
    } else {
      line.kubelet = line.apiserver = line.kubeconfig = line.host;
    }
    status.nodes.push_back(std::move(line));
  }
  return status;
}

std::string format_status_text(const ClusterStatus& status) {
  std::string text;
  for (const auto& node : status.nodes) {
    text += node.name + "\n";
    text += node.control_plane ? "type: Control Plane\n" : "type: Worker\n";
    text += fmt::format("host: {}\nkubelet: {}\n", node.host, node.kubelet);
    if (node.control_plane) text += fmt::format("apiserver: {}\nkubeconfig: {}\n", node.apiserver, node.kubeconfig);
    text += "\n";
  }
  return text;
}

std::string format_status_json(const ClusterStatus& status) {
  auto one = [](const NodeStatus& node) {
    return nlohmann::ordered_json{{"Name", node.name},           {"Host", node.host},
                                  {"Kubelet", node.kubelet},     {"APIServer", node.apiserver},
                                  {"Kubeconfig", node.kubeconfig}, {"Worker", !node.control_plane}};
  };
  if (status.nodes.size() == 1) return one(status.nodes.front()).dump() + "\n";
  auto list = nlohmann::ordered_json::array();
  for (const auto& node : status.nodes) list.push_back(one(node));
  return list.dump() + "\n";
}

} // namespace mk::cluster
