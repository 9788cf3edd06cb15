// SPDX-License-Identifier: Apache-2.0
#include "mk/addons/addons.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/node_files_sync.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/mirror/select.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {

class EnableAddons final : public Step {
public:
  std::string title(const StartContext& context) const override {
    std::string names;
    if (auto chosen = enabled_addons(context.config))
      for (const auto& addon : *chosen)
        names += (names.empty() ? "" : ", ") + addon.name;
    return fmt::format("Enabling addons: {}", names.empty() ? "none" : names);
  }

  Status run(StartContext& context) override {
    auto chosen = MK_TRY(enabled_addons(context.config));
    auto& node = *context.node;
    std::vector<NodeFile> files;
    for (const auto& addon : chosen)
      for (const auto& manifest :
           MK_TRY(addons::render(addon, context.config.kubernetes.image_repository,
                                 mirror::flat_repository(context.config.kubernetes.image_repository))))
        files.push_back({fmt::format("{}/{}", kube::k_addons_dir, manifest.file), manifest.text, 0640});
    auto written = MK_TRY(sync_node_files(node, files, &context.survey));
    bool recorded = std::all_of(chosen.begin(), chosen.end(),
                                [&](const auto& a) { return context.config.addons.contains(a.name); });
    if (written.empty() && recorded && context.control_plane_initialized)
      return {}; // applied on an earlier start
    exec::Command apply{
        {kube::binaries_dir(context.version) + "/kubectl", "--kubeconfig", kube::k_admin_kubeconfig, "apply"},
        {},
        {},
        60s,
        {}};
    for (const auto& file : files)
      apply.argv.insert(apply.argv.end(), {"-f", file.path});
    // the API server may still be setting up RBAC and service accounts right after kubeadm init
    auto deadline = std::chrono::steady_clock::now() + 90s;
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto result = MK_TRY(node.run(apply));
      if (result.ok()) break;
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(
            exec::command_error(result, "cannot apply the addons' manifests", ErrorCode::kubernetes_failed));
      std::this_thread::sleep_for(1s);
    }
    for (const auto& addon : chosen)
      context.config.addons[addon.name] = true;
    return context.save();
  }
};
} // namespace

std::unique_ptr<Step> enable_addons() {
  return std::make_unique<EnableAddons>();
}

} // namespace mk::cluster::steps
