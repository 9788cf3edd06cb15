// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/node_files_sync.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/net/url.hpp"

#include <fmt/format.h>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {

// Facts about the node that decide the runtime configuration, gathered with one command.
struct NodeFacts {
  bool cgroup_v2 = false;
  bool negative_oom_score = false;
  bool containerd_active = false;
};

Result<NodeFacts> probe(exec::Runner& node) {
  static constexpr const char* k_script = R"sh(stat -fc %T /sys/fs/cgroup
if (echo -999 >/proc/self/oom_score_adj) 2>/dev/null; then echo oom-ok; else echo oom-restricted; fi
systemctl is-active containerd || true)sh";
  auto out = MK_TRY(exec::output_of(node, {"sh", "-c", k_script}, ErrorCode::node_failed));
  auto lines = core::words(out);
  NodeFacts facts;
  facts.cgroup_v2 = !lines.empty() && lines[0] == "cgroup2fs";
  facts.negative_oom_score = lines.size() > 1 && lines[1] == "oom-ok";
  facts.containerd_active = lines.size() > 2 && lines[2] == "active";
  return facts;
}

class ConfigureRuntime final : public Step {
public:
  std::string title(const StartContext&) const override { return "Configuring containerd"; }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    const auto& config = context.config;
    const auto& survey = context.survey;
    auto facts = survey.complete ? NodeFacts{survey.cgroup_v2, survey.negative_oom_score,
                                             survey.unit_active("containerd")}
                                 : MK_TRY(probe(node));
    auto& params = context.node_files;
    params.version = context.version;
    const auto& target = context.target_node();
    params.node_name = target.name;
    params.node_ip = target.ip;
    params.control_plane_host = k_control_plane_host;
    params.control_plane_ip = config.nodes.front().ip;
    params.sandbox_image = context.plan.control_plane.pause;
    // cgroup v1 (what the entrypoint makes writable) works with cgroupfs; v2 hosts need systemd's delegation
    params.cgroup_driver = facts.cgroup_v2 ? "systemd" : "cgroupfs";
    params.restrict_oom_score_adj = !facts.negative_oom_score;
    // recorded when the node was made (a profile from before: the node's number tells)
    params.pod_cidr = target.pod_cidr;
    if (params.pod_cidr.empty())
      params.pod_cidr = MK_TRY(node_pod_cidr(config.kubernetes.pod_cidr,
                                             std::max(1, config::node_number(config.name, target.name))));
    params.cluster_cidr = config.kubernetes.pod_cidr;
    params.sysctl_guard = context.driver.shares_host_kernel();
    // registries and mirrors on the host's loopback, as the node reaches them (a VM through its gateway)
    auto alias = context.driver.host_loopback_alias();

    std::vector<NodeFile> files = {
        {"/etc/containerd/config.toml", kube::containerd_config(params), 0644},
        {"/etc/crictl.yaml", fmt::format("runtime-endpoint: unix://{}\n", kube::k_containerd_socket), 0644},
    };
    for (const auto& registry : config.kubernetes.insecure_registries)
      files.push_back({fmt::format("/etc/containerd/certs.d/{}/hosts.toml", registry),
                       kube::insecure_registry_hosts(registry, net::with_loopback_alias(registry, alias)),
                       0644});
    if (!config.kubernetes.registry_mirrors.empty()) {
      auto mirrors = config.kubernetes.registry_mirrors;
      for (auto& mirror : mirrors)
        mirror = net::with_loopback_alias(mirror, alias);
      files.push_back(
          {"/etc/containerd/certs.d/docker.io/hosts.toml", kube::docker_hub_mirror_hosts(mirrors), 0644});
    }
    auto written = MK_TRY(sync_node_files(node, files, &context.survey));
    // containerd that ran with this configuration and answered the survey's image list needs no new check
    if (written.empty() && facts.containerd_active && survey.images) return {};
    if (!written.empty() || !facts.containerd_active) {
      MK_TRY(
          exec::run_checked(node,
                            {{"sh", "-c",
                              "set -e; systemctl is-enabled -q containerd || systemctl enable -q containerd; "
                              "systemctl restart containerd"},
                             {},
                             {},
                             90s,
                             {}},
                            ErrorCode::node_failed));
    }
    return wait_for_cri(node);
  }

  static Status wait_for_cri(exec::Runner& node) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    exec::RunResult last;
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto result = node.run(
          {{"crictl", "--runtime-endpoint", std::string("unix://") + kube::k_containerd_socket, "info"},
           {},
           {},
           10s,
           {}});
      if (result && result->ok()) return {};
      if (result) last = *result;
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(exec::command_error(last, "containerd's CRI service did not come up within 60 s",
                                        ErrorCode::node_failed));
      std::this_thread::sleep_for(200ms);
    }
  }
};
} // namespace

std::unique_ptr<Step> configure_runtime() {
  return std::make_unique<ConfigureRuntime>();
}

} // namespace mk::cluster::steps
