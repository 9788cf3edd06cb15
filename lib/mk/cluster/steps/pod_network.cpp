// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/pod_network.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
// Every running node's routes to the other nodes' pod CIDRs, made again now that the target node runs (its
// own routes went with its last network namespace; the others need one to it when it is new).
class PodNetwork final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Routing pod traffic between node {} and the others", context.target_node().name);
  }

  Status run(StartContext& context) override {
    // profiles from before per-node CIDRs: the nodes' numbers tell
    bool recorded = false;
    for (auto& node : context.config.nodes)
      if (node.pod_cidr.empty()) {
        node.pod_cidr =
            MK_TRY(node_pod_cidr(context.config.kubernetes.pod_cidr,
                                 std::max(1, config::node_number(context.config.name, node.name))));
        recorded = true;
      }
    if (recorded) MK_TRY(context.save());
    return sync_pod_routes(context.driver, context.config);
  }
};
} // namespace

std::unique_ptr<Step> pod_network() {
  return std::make_unique<PodNetwork>();
}

} // namespace mk::cluster::steps
