// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/control_plane.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

Status mark_control_plane_completed(StartContext& context) {
  MK_TRY(context.node->write_file(k_init_marker, context.version.to_string() + "\n", 0644));
  context.config.kubernetes.initialized = true;
  context.config.schema_version = config::k_schema_version;
  context.control_plane_initialized = true;
  return context.save();
}

using namespace std::chrono_literals;

namespace {

// `kubeadm <args> --config <kubeadm config>` with the cluster's binaries first on PATH.
exec::Command kubeadm(const StartContext& context, std::vector<std::string> args,
                      std::chrono::milliseconds timeout) {
  auto path =
      kube::binaries_dir(context.version) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  exec::Command command{{"env", "PATH=" + path, "kubeadm"}, {}, {}, timeout, {}};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.argv.insert(command.argv.end(), {"--config", kube::k_kubeadm_config});
  return command;
}

// What the kubelet is started with: when one of these changed in this run, a running kubelet is restarted.
const std::vector<std::string> k_kubelet_inputs = {"/lib/systemd/system/kubelet.service",
                                                   "/etc/systemd/system/kubelet.service.d",
                                                   kube::k_kubelet_prep, "/etc/cni/net.d"};

// Whether the node's kubeadm configuration changed in this run (mk's flags or version of mk differ from the
// ones that configured the running control plane).
bool kubeadm_config_changed(const StartContext& context) {
  return context.survey.wrote_any({kube::k_kubeadm_config});
}

// Brings back a completed control plane. When the node's container was made again over its surviving /var
// (etcd data and certificates are there), the files kubeadm keeps in /etc are regenerated first; when the
// kubeadm configuration changed, the kubelet's configuration and the static pods are written again from it.
Status restart_control_plane(StartContext& context) {
  auto& node = *context.node;
  bool present = false;
  if (auto hash = context.survey.hash_of(kube::k_admin_kubeconfig))
    present = !hash->empty();
  else
    present = MK_TRY(node.run({{"test", "-f", kube::k_admin_kubeconfig}, {}, {}, 10s, {}})).ok();
  std::vector<std::vector<std::string>> phases;
  if (!present) {
    context.env.ui.step_progress("regenerating the control plane's configuration from the node's data");
    phases = {{"certs", "all"},
              {"kubeconfig", "all"},
              {"kubelet-start"},
              {"control-plane", "all"},
              {"etcd", "local"}};
  } else if (kubeadm_config_changed(context)) {
    context.env.ui.step_progress("writing the kubelet's configuration and the static pods again");
    phases = {{"kubelet-start"}, {"control-plane", "all"}, {"etcd", "local"}};
  }
  for (const auto& phase : phases) {
    std::vector<std::string> args = {"init", "phase"};
    args.insert(args.end(), phase.begin(), phase.end());
    MK_TRY(exec::run_checked(node, kubeadm(context, args, 2min), ErrorCode::kubernetes_failed));
  }
  // the kubelet started with the node; a changed unit or guard takes effect with a restart
  bool restart = phases.empty() && context.survey.wrote_any(k_kubelet_inputs);
  if (!restart && phases.empty() && context.survey.unit_active("kubelet")) return {};
  MK_TRY(exec::run_checked(node, {{"systemctl", restart ? "restart" : "start", "kubelet"}, {}, {}, 60s, {}},
                           ErrorCode::node_failed));
  return {};
}

class BootstrapControlPlane final : public Step {
public:
  std::string title(const StartContext& context) const override {
    if (!context.control_plane_initialized) return "Bootstrapping the control plane (kubeadm init)";
    return kubeadm_config_changed(context) || context.survey.wrote_any(k_kubelet_inputs)
               ? "Reconfiguring the control plane (its configuration changed)"
               : "Starting the control plane";
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    if (context.control_plane_initialized) return restart_control_plane(context);
    // Without kubelet-finalize: that phase points kubelet.conf at the rotated client certificate and restarts
    // the kubelet, at the very end, after the first kubelet may have reported Ready; the restarted one then
    // reports NotReady for a moment, after mk's wait has passed (seen in CI). The running kubelet rotates its
    // certificate without it (rotateCertificates, stored in /var/lib/kubelet/pki, used at its next start).
    auto init = kubeadm(context,
                        {"init", std::string("--ignore-preflight-errors=") + k_ignored_preflight_errors,
                         "--skip-phases=kubelet-finalize"},
                        10min);
    auto result = MK_TRY(node.run(init));
    if (!result.ok()) {
      auto kubelet =
          node.run({{"journalctl", "-u", "kubelet", "-n", "15", "--no-pager", "-o", "cat"}, {}, {}, 20s, {}});
      auto error = exec::command_error(result, "kubeadm init failed", ErrorCode::kubernetes_failed);
      if (kubelet && !kubelet->out.empty())
        error.message += "; the kubelet's last log lines:\n" + core::indent(kubelet->out, "    ");
      error.advice =
          fmt::format("a node that failed kubeadm init is not reused: `mk start -p {}` creates a fresh one",
                      context.config.name);
      return fail(std::move(error));
    }
    return mark_control_plane_completed(context);
  }
};

// For a profile from before the completion marker: the restarted control plane is confirmed through the API
// server (kubeadm uploads its ConfigMap at the very end of init), then marked.
class ConfirmControlPlane final : public Step {
public:
  std::string title(const StartContext&) const override {
    return "Confirming the control plane of an older profile";
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    exec::Command get{{kube::binaries_dir(context.version) + "/kubectl", "--kubeconfig",
                       kube::k_admin_kubeconfig, "-n", "kube-system", "get", "configmap", "kubeadm-config",
                       "-o", "name"},
                      {},
                      {},
                      60s,
                      {}};
    auto result = MK_TRY(node.run(get));
    if (!result.ok())
      return fail(
          exec::command_error(result,
                              fmt::format("the control plane of node {} was never completed (kubeadm's "
                                          "configuration is not in the cluster)",
                                          context.primary().name),
                              ErrorCode::kubernetes_failed)
              .with_advice(recreate_advice(context.config.name)));
    return mark_control_plane_completed(context);
  }
};
} // namespace

std::unique_ptr<Step> bootstrap_control_plane() {
  return std::make_unique<BootstrapControlPlane>();
}

std::unique_ptr<Step> confirm_control_plane() {
  return std::make_unique<ConfirmControlPlane>();
}

} // namespace mk::cluster::steps
