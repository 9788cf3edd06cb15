// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/status.hpp"

#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/kubeconfig.hpp"

#include <fmt/format.h>
#include <future>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/socket.h>
#include <tuple>
#include <unistd.h>
#include <utility>

namespace mk::cluster {

Error profile_not_found(std::string_view profile) {
  return Error{ErrorCode::not_found,
               fmt::format("profile \"{}\" not found", profile),
               {},
               {},
               fmt::format("run \"mk profile list\" to see all profiles, or \"mk start -p {}\" to create it",
                           profile)};
}

Error not_running(std::string_view profile, std::string_view node) {
  return Error{ErrorCode::node_failed,
               node.empty() ? fmt::format("cluster {} is not running", profile)
                            : fmt::format("node {} is not running", node),
               {},
               {},
               fmt::format("start it first: mk start -p {}", profile)};
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

namespace {

// kubelet and freezer state of the API server, with one command in the node.
struct NodeComponents {
  std::string kubelet = "Stopped";
  bool apiserver_frozen = false;
};

NodeComponents node_components(driver::Driver& driver, std::string_view node) {
  static constexpr const char* k_script = R"sh(systemctl is-active kubelet
pid=$(pgrep -xn kube-apiserver) || exit 0
path=$(grep -E '^[0-9]+:freezer:' /proc/$pid/cgroup | cut -d: -f3)
if [ -n "$path" ]; then cat /sys/fs/cgroup/freezer$path/freezer.state 2>/dev/null || true; exit 0; fi
path=$(grep -E '^0::' /proc/$pid/cgroup | cut -d: -f3)
[ "$(cat /sys/fs/cgroup$path/cgroup.freeze 2>/dev/null)" = 1 ] && echo FROZEN || true)sh";
  NodeComponents components;
  auto runner = driver.node_runner(node);
  auto result = runner->run({{"sh", "-c", k_script}, {}, {}, std::chrono::seconds(10), {}});
  if (!result) return components;
  auto words = core::words(result->out);
  if (!words.empty() && words[0] == "active") components.kubelet = "Running";
  components.apiserver_frozen = words.size() > 1 && (words[1] == "FROZEN" || words[1] == "FREEZING");
  return components;
}

// Whether something accepts connections on 127.0.0.1:`port` (a stopped node's published port refuses).
bool loopback_port_open(int port) {
  if (port <= 0 || port > 65535) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool open = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return open;
}

std::string kubeconfig_state(const config::ClusterConfig& config, const std::string& server) {
  auto recorded = kube::kubeconfig_server(kube::kubeconfig_path(), config.name);
  return recorded && *recorded && **recorded == server ? "Configured" : "Misconfigured";
}

} // namespace

Result<ClusterStatus> cluster_status(Env& env, driver::Driver& driver, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  ClusterStatus status{std::string(profile), {}};
  for (auto& node : config->nodes) {
    NodeStatus line{node.name, node.control_plane, {}, {}, {}, {}};
    // The API server's answers are asked for at the port recorded at the last start while the engine is
    // asked about the node (its command takes most of the time); used only when the node runs and still
    // publishes that port. A stopped node's port refuses at once.
    auto recorded = api_server(env.paths, *config);
    std::future<std::pair<std::string, std::optional<bool>>> early;
    // a paused cluster's API server is frozen: its port accepts and never answers, so only the node is asked
    if (config->kubernetes_enabled && node.control_plane && !config->paused &&
        loopback_port_open(apiserver_host_port(*config)))
      early = std::async(std::launch::async, [&recorded, name = node.name] {
        auto lease = std::async(std::launch::async, [&] { return kubelet_alive(recorded, name); });
        auto health = apiserver_health(recorded);
        return std::pair{health, lease.get()};
      });
    auto info = MK_TRY(driver.inspect_node(node.name));
    line.host = std::string(driver::to_string(info.state));
    if (!config->kubernetes_enabled) {
      line.kubelet = line.apiserver = line.kubeconfig = "Irrelevant";
    } else if (info.state != driver::State::running) {
      line.kubelet = line.apiserver = line.kubeconfig = line.host;
      if (!node.control_plane) line.apiserver = line.kubeconfig = "Irrelevant";
    } else {
      node.ports = info.ports; // the ports the engine publishes now
      auto server = api_server(env.paths, *config);
      // the kubelet's liveness comes from its node Lease when the API server answers (no round trip into the
      // node); without an API server only the node can tell, and it also tells whether that server is frozen
      std::string health;
      std::optional<bool> alive;
      if (config->paused) {
        auto parts = node_components(driver, node.name);
        line.kubelet = parts.kubelet;
        line.apiserver = !node.control_plane      ? "Irrelevant"
                         : parts.apiserver_frozen ? "Paused"
                                                  : apiserver_health(server);
        line.kubeconfig = node.control_plane ? kubeconfig_state(*config, server.base_url) : "Irrelevant";
        status.nodes.push_back(std::move(line));
        continue;
      }
      if (early.valid() && server.base_url == recorded.base_url) {
        std::tie(health, alive) = early.get();
      } else {
        auto lease = std::async(std::launch::async, [&] { return kubelet_alive(server, node.name); });
        health = apiserver_health(server);
        alive = lease.get();
      }
      if (health == "Running" && alive) {
        line.kubelet = *alive ? "Running" : "Stopped";
        line.apiserver = node.control_plane ? health : "Irrelevant";
      } else {
        auto parts = node_components(driver, node.name);
        line.kubelet = parts.kubelet;
        line.apiserver = !node.control_plane ? "Irrelevant" : parts.apiserver_frozen ? "Paused" : health;
      }
      line.kubeconfig = node.control_plane ? kubeconfig_state(*config, server.base_url) : "Irrelevant";
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
    if (node.control_plane)
      text += fmt::format("apiserver: {}\nkubeconfig: {}\n", node.apiserver, node.kubeconfig);
    text += "\n";
  }
  return text;
}

std::string format_status_json(const ClusterStatus& status) {
  auto one = [](const NodeStatus& node) {
    return nlohmann::ordered_json{{"Name", node.name},
                                  {"Host", node.host},
                                  {"Kubelet", node.kubelet},
                                  {"APIServer", node.apiserver},
                                  {"Kubeconfig", node.kubeconfig},
                                  {"Worker", !node.control_plane}};
  };
  if (status.nodes.size() == 1) return one(status.nodes.front()).dump() + "\n";
  auto list = nlohmann::ordered_json::array();
  for (const auto& node : status.nodes)
    list.push_back(one(node));
  return list.dump() + "\n";
}

} // namespace mk::cluster
