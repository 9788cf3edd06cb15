// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/addons.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/kube/node_files.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {

// Applies the enabled addons on every start (so objects removed by hand come back, as with minikube) and
// deletes the objects of addons disabled while the cluster was stopped.
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
    std::vector<addons::Addon> disabled;
    for (auto& addon : MK_TRY(addons::builtin_addons())) {
      auto recorded = context.config.addons.find(addon.name);
      if (recorded != context.config.addons.end() && !recorded->second) disabled.push_back(std::move(addon));
    }
    if (!disabled.empty() && context.control_plane_initialized) {
      std::vector<std::string> paths;
      for (const auto& file : MK_TRY(addon_files(context.config, disabled)))
        paths.push_back(file.path);
      MK_TRY(delete_addon_files(node, context.version, paths));
    }
    auto files = MK_TRY(addon_files(context.config, chosen));
    MK_TRY(sync_node_files(node, files, &context.survey));
    MK_TRY(apply_addon_files(node, context.version, files, 90s));
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
