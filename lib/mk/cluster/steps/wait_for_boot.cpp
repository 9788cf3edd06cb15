// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/node_survey.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/node_files.hpp"

#include <fmt/format.h>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr auto k_boot_timeout = 120s;
constexpr auto k_poll_interval = 100ms;

// The files, units and state the later steps of this start compare with what they want in the node.
SurveyRequest survey_request(const StartContext& context) {
  SurveyRequest request;
  request.roots = {k_authorized_keys};
  if (!context.config.kubernetes_enabled) return request;
  request.roots.insert(
      request.roots.end(),
      {"/etc/containerd", "/etc/crictl.yaml", kube::k_certs_dir, "/lib/systemd/system/kubelet.service",
       "/etc/systemd/system/kubelet.service.d", kube::k_kubelet_prep, "/etc/cni/net.d",
       "/etc/systemd/system.conf.d", "/etc/systemd/system/mk-docker-info.socket",
       "/etc/systemd/system/mk-docker-info@.service", kube::k_docker_info_script, kube::k_kubeadm_config,
       kube::k_addons_dir, kube::k_admin_kubeconfig, kube::k_kubelet_kubeconfig});
  request.units = {"containerd", "kubelet", "mk-docker-info.socket"};
  request.contents = {binaries_stamp(context.version)};
  request.images = true;
  return request;
}

class WaitForBoot final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Waiting for node {} to boot", context.target_node().name);
  }

  Status run(StartContext& context) override {
    auto& node = context.target_node();
    auto runner = context.driver.node_runner(node.name);
    auto deadline = std::chrono::steady_clock::now() + k_boot_timeout;
    auto request = survey_request(context);
    auto survey = survey_command(request);
    std::string state;
    auto checked = std::chrono::steady_clock::now();
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      // the check that finds the node booted also reads what the later steps need to know of it
      auto result = runner->run(survey);
      auto surveyed = result ? parse_survey(result->out, request) : NodeSurvey{};
      state = surveyed.system_state;
      if (state == "running" || state == "degraded") {
        context.survey = std::move(surveyed);
        break;
      }
      // every second, make sure the node did not end (then waiting longer is pointless); one check of a node
      // still booting may itself take seconds (an SSH connection that nobody answers yet)
      if (std::chrono::steady_clock::now() - checked >= std::chrono::seconds(1)) {
        checked = std::chrono::steady_clock::now();
        auto info = MK_TRY(context.driver.inspect_node(node.name));
        if (info.state != driver::State::running)
          return fail(
              Error{ErrorCode::node_failed,
                    fmt::format("node {} stopped while booting ({}); its last output:\n{}", node.name,
                                driver::to_string(info.state),
                                core::indent(context.driver.node_logs(node.name, 20), "  ")),
                    {},
                    {},
                    "check that the node image (--base-image, or --vm-image for VM nodes) is an mk or "
                    "kicbase-compatible node image"});
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        auto failed = runner->run({{"systemctl", "--failed", "--no-legend", "--plain"}, {}, {}, 10s, {}});
        return fail(Error{
            ErrorCode::node_failed,
            fmt::format(
                "systemd in node {} did not finish booting within {} s (state \"{}\"); failed units:\n{}",
                node.name, k_boot_timeout.count(), state,
                core::indent(failed ? failed->out : std::string("(unknown)"), "  ")),
            {},
            {},
            {}});
      }
      std::this_thread::sleep_for(k_poll_interval);
    }
    if (state == "degraded") {
      auto failed = runner->run({{"systemctl", "--failed", "--no-legend", "--plain"}, {}, {}, 10s, {}});
      auto units = failed ? core::words(failed->out) : std::vector<std::string>{};
      context.env.ui.warning(fmt::format("node {} booted degraded; failed units: {}", node.name,
                                         units.empty() ? std::string("(none listed)") : units.front()));
    }
    auto info = MK_TRY(context.driver.inspect_node(node.name));
    if (!info.ip.empty()) node.ip = info.ip;
    node.ports = info.ports;
    context.node = std::move(runner);
    return context.save();
  }
};
} // namespace

std::unique_ptr<Step> wait_for_boot() {
  return std::make_unique<WaitForBoot>();
}

} // namespace mk::cluster::steps
