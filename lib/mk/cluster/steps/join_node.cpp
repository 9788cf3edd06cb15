// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/node_files.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

bool worker_joined(const NodeSurvey& survey) {
  auto hash = survey.hash_of(kube::k_kubelet_kubeconfig);
  return hash && !hash->empty();
}

namespace {

// What the kubelet is started with: when one of these changed in this run, a running kubelet is restarted.
const std::vector<std::string> k_kubelet_inputs = {"/lib/systemd/system/kubelet.service",
                                                   "/etc/systemd/system/kubelet.service.d",
                                                   kube::k_kubelet_prep, "/etc/cni/net.d"};

// The parts of `kubeadm token create --print-join-command`'s line: the endpoint, token and CA hash.
struct JoinTicket {
  std::string endpoint, token, ca_hash;
};

Result<JoinTicket> parse_join_command(const std::string& line) {
  auto words = core::words(line);
  JoinTicket ticket;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "join" && i + 1 < words.size()) ticket.endpoint = words[i + 1];
    if (words[i] == "--token" && i + 1 < words.size()) ticket.token = words[i + 1];
    if (words[i] == "--discovery-token-ca-cert-hash" && i + 1 < words.size()) ticket.ca_hash = words[i + 1];
  }
  if (ticket.endpoint.empty() || ticket.token.empty() || ticket.ca_hash.empty())
    return fail(ErrorCode::kubernetes_failed,
                fmt::format("kubeadm printed no usable join command: \"{}\"", core::trim(line)));
  return ticket;
}

class JoinNode final : public Step {
public:
  std::string title(const StartContext& context) const override {
    const auto& name = context.target_node().name;
    return worker_joined(context.survey) ? fmt::format("Starting the kubelet of node {}", name)
                                         : fmt::format("Joining node {} to the cluster (kubeadm join)", name);
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    const auto& name = context.target_node().name;
    if (worker_joined(context.survey)) {
      bool restart = context.survey.wrote_any(k_kubelet_inputs);
      if (!restart && context.survey.unit_active("kubelet")) return {};
      MK_TRY(exec::run_checked(node,
                               {{"systemctl", restart ? "restart" : "start", "kubelet"}, {}, {}, 60s, {}},
                               ErrorCode::node_failed));
      return {};
    }
    // a token for this join only, that expires soon after
    auto primary = context.driver.node_runner(context.primary().name);
    auto path =
        kube::binaries_dir(context.version) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    auto printed = MK_TRY(
        exec::run_checked(*primary,
                          {{"env", "PATH=" + path, "kubeadm", "token", "create", "--print-join-command",
                            "--ttl", "10m", "--kubeconfig", kube::k_admin_kubeconfig},
                           {},
                           {},
                           60s,
                           {}},
                          ErrorCode::kubernetes_failed));
    auto ticket = MK_TRY(parse_join_command(printed.out));
    // from here the Node object may exist: a node add that fails or is interrupted removes it with the node
    if (context.existed) {
      auto& driver = context.driver;
      context.rollback.push(
          fmt::format("remove the Node object {}", name),
          [&driver, primary_name = context.primary().name, version = context.version, name]() -> Status {
            auto runner = driver.node_runner(primary_name);
            MK_TRY(exec::run_checked(
                *runner,
                admin_kubectl(version, {"delete", "node", name, "--ignore-not-found", "--wait=false"}, 30s),
                ErrorCode::kubernetes_failed));
            return {};
          });
    }
    std::string socket = kube::k_containerd_socket;
    if (context.version >= k8s::Version{1, 24, 0}) socket = "unix://" + socket;
    exec::Command join{{"env", "PATH=" + path, "kubeadm", "join", ticket.endpoint, "--token", ticket.token,
                        "--discovery-token-ca-cert-hash", ticket.ca_hash, "--node-name", name, "--cri-socket",
                        socket, std::string("--ignore-preflight-errors=") + k_ignored_preflight_errors},
                       {},
                       {},
                       5min,
                       {}};
    auto result = MK_TRY(node.run(join));
    if (!result.ok()) {
      auto kubelet =
          node.run({{"journalctl", "-u", "kubelet", "-n", "15", "--no-pager", "-o", "cat"}, {}, {}, 20s, {}});
      auto error = exec::command_error(result, fmt::format("kubeadm join of node {} failed", name),
                                       ErrorCode::kubernetes_failed);
      if (kubelet && !kubelet->out.empty())
        error.message += "; the kubelet's last log lines:\n" + core::indent(kubelet->out, "    ");
      return fail(std::move(error));
    }
    context.survey.record_written(kube::k_kubelet_kubeconfig, "joined");
    return {};
  }
};
} // namespace

std::unique_ptr<Step> join_node() {
  return std::make_unique<JoinNode>();
}

} // namespace mk::cluster::steps
