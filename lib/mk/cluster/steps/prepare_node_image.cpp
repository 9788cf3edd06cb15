// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class PrepareNodeImage final : public Step {
public:
  std::string title(const StartContext&) const override { return "Preparing the node image"; }
  Status run(StartContext& context) override {
    auto& ui = context.env.ui;
    return context.driver.ensure_image(context.config.base_image,
                                       [&](std::string_view line) { ui.step_progress(line); });
  }
};
} // namespace

std::unique_ptr<Step> prepare_node_image() {
  return std::make_unique<PrepareNodeImage>();
}

} // namespace mk::cluster::steps
