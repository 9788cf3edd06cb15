// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr auto k_boot_timeout = 120s;
constexpr auto k_poll_interval = 100ms;

class WaitForBoot final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Waiting for node {} to boot", context.config.nodes.front().name);
  }

  Status run(StartContext& context) override {
    auto& node = context.primary();
    auto runner = context.driver.node_runner(node.name);
    auto deadline = std::chrono::steady_clock::now() + k_boot_timeout;
    std::string state;
    for (int attempt = 0;; ++attempt) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto result = runner->run({{"systemctl", "is-system-running"}, {}, {}, 10s, {}});
      state = result ? std::string(core::trim(result->out)) : "";
      if (state == "running" || state == "degraded") break;
      // every second, make sure the container did not exit (then waiting longer is pointless)
      if (attempt % 10 == 9) {
        auto info = MK_TRY(context.driver.inspect_node(node.name));
        if (info.state != driver::State::running)
          return fail(Error{ErrorCode::node_failed,
                            fmt::format("node {} stopped while booting ({}); its last output:\n{}", node.name,
                                        driver::to_string(info.state),
                                        core::indent(context.driver.node_logs(node.name, 20), "  ")),
                            {},
                            {},
                            "check that the base image is a kicbase-compatible node image"});
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
