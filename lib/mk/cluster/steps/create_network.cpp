// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class CreateNetwork final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Creating network {}", context.config.network);
  }
  Status run(StartContext& context) override {
    auto& config = context.config;
    auto network = MK_TRY(context.driver.ensure_network({config.network, config.subnet, config.name}));
    if (network.created) {
      auto& driver = context.driver;
      context.rollback.push(fmt::format("remove network {}", network.name),
                            [&driver, name = network.name] { return driver.remove_network(name); });
    }
    config.subnet = network.subnet;
    config.gateway = network.gateway;
    return context.save();
  }
};
} // namespace

std::unique_ptr<Step> create_network() {
  return std::make_unique<CreateNetwork>();
}

} // namespace mk::cluster::steps
