// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class StartNode final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Starting node {}", context.target_node().name);
  }
  // A failed restart never removes the existing node: nothing is pushed to the rollback.
  Status run(StartContext& context) override { return context.driver.start_node(context.target_node().name); }
};
} // namespace

std::unique_ptr<Step> start_node() {
  return std::make_unique<StartNode>();
}

} // namespace mk::cluster::steps
