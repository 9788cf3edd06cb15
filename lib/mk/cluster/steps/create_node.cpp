// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/fs.hpp"
#include "mk/kube/node_files.hpp"
#include "mk/net/ipv4.hpp"

#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cluster::steps {

std::vector<int> published_ports(int apiserver_port) {
  return {22, apiserver_port, 2376, 5000, 32443};
}

namespace {
// The node's number: 1 for the primary, 2 for <profile>-m02, ...
int number_of(const config::ClusterConfig& config, const config::NodeConfig& node) {
  return std::max(1, config::node_number(config.name, node.name));
}

class CreateNode final : public Step {
public:
  std::string title(const StartContext& context) const override {
    const auto& c = context.config;
    auto cpus = c.cpus > 0 ? std::to_string(c.cpus) : "no limit";
    auto memory = c.memory_mb > 0 ? fmt::format("{}MB", c.memory_mb) : "no limit";
    return fmt::format("Creating node {} (CPUs={}, Memory={})", context.target_node().name, cpus, memory);
  }

  Status run(StartContext& context) override {
    auto& config = context.config;
    auto& node = context.target_node();
    if (!config.static_ip.empty() && context.target_is_primary()) {
      node.ip = config.static_ip;
    } else {
      // node k (1 for the primary, 2 for <profile>-m02) gets gateway + k, as minikube does: .2, .3, ...
      auto subnet = MK_TRY(net::parse_cidr(config.subnet));
      int number = number_of(config, node);
      node.ip = subnet.first_host().plus(number).to_string();
    }
    if (config.kubernetes_enabled && node.pod_cidr.empty())
      node.pod_cidr = MK_TRY(node_pod_cidr(config.kubernetes.pod_cidr, number_of(config, node)));
    MK_TRY(context.save());
    driver::NodeSpec spec{config.name,
                          node.name,
                          config.base_image,
                          config.network,
                          node.ip,
                          config.cpus,
                          config.memory_mb,
                          published_ports(config.kubernetes.apiserver_port),
                          context.preload.string(),
                          context.existed,
                          config.disk_mb,
                          // kubelets before 1.25 do not run on cgroup v2 (VM nodes choose; containers
                          // share the host's)
                          config.kubernetes_enabled && context.version < k8s::Version{1, 25, 0},
                          config.subnet,
                          {}};
    // without a preload, the binaries go with the node where its driver can bring them at its first boot
    auto in_node = kube::binaries_dir(context.version);
    if (context.preload.empty() && !context.host_binaries.empty() && in_node.starts_with("/var/"))
      for (const char* binary : k_node_binaries)
        spec.seed_files.push_back({context.host_binaries / binary,
                                   fmt::format("{}/{}", in_node.substr(std::strlen("/var/")), binary)});
    auto machine_dir = context.env.paths.machine_dir(node.name);
    auto& driver = context.driver;
    if (!std::filesystem::exists(machine_dir)) {
      MK_TRY(core::ensure_directory(machine_dir, 0700));
      context.rollback.push(fmt::format("remove {}", machine_dir.string()), [machine_dir]() -> Status {
        std::error_code ec;
        std::filesystem::remove_all(machine_dir, ec);
        return {};
      });
    }
    nlohmann::json machine = {
        {"driver", std::string(driver.name())}, {"container", node.name}, {"image", config.base_image}};
    MK_TRY(core::write_file_atomic(machine_dir / "config.json", machine.dump(2) + "\n", 0600));
    // on failure the driver removes its own part; on success a later failure must remove the node, but never
    // the data of an existing node whose container was gone
    bool reused = MK_TRY(driver.create_node(spec));
    if (reused) context.env.ui.step_progress(fmt::format("reusing the data of node {}", node.name));
    context.rollback.push(reused ? fmt::format("remove the new container of node {}", node.name)
                                 : fmt::format("remove node {}", node.name),
                          [&driver, name = node.name, reused] { return driver.remove_node(name, reused); });
    return {};
  }
};
} // namespace

std::unique_ptr<Step> create_node() {
  return std::make_unique<CreateNode>();
}

} // namespace mk::cluster::steps
