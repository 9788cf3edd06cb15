// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
// Preflight checks that cannot pass in a container (minikube's list), and ImagePull: mk pulls the images
// itself and reports a missing one by name (a missing CoreDNS image must not stop the control plane).
constexpr const char* k_ignored_preflight_errors =
    "DirAvailable--etc-kubernetes-manifests,DirAvailable--var-lib-minikube,DirAvailable--var-lib-minikube-"
    "etcd,"
    "FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml,FileAvailable--etc-kubernetes-manifests-"
    "kube-apiserver.yaml,"
    "FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml,FileAvailable--etc-kubernetes-"
    "manifests-etcd.yaml,"
    "Port-10250,Swap,NumCPU,Mem,SystemVerification,FileContent--proc-sys-net-bridge-bridge-nf-call-iptables,"
    "ImagePull";

class BootstrapControlPlane final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return context.control_plane_initialized ? "Starting the control plane"
                                             : "Bootstrapping the control plane (kubeadm init)";
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    if (context.control_plane_initialized) {
      MK_TRY(exec::run_checked(node, {{"systemctl", "start", "kubelet"}, {}, {}, 60s, {}},
                               ErrorCode::node_failed));
      return {};
    }
    auto path =
        kube::binaries_dir(context.version) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    exec::Command init{{"env", "PATH=" + path, "kubeadm", "init", "--config", kube::k_kubeadm_config,
                        std::string("--ignore-preflight-errors=") + k_ignored_preflight_errors},
                       {},
                       {},
                       10min,
                       {}};
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
    context.config.kubernetes.initialized = true;
    return context.save();
  }
};
} // namespace

std::unique_ptr<Step> bootstrap_control_plane() {
  return std::make_unique<BootstrapControlPlane>();
}

} // namespace mk::cluster::steps
