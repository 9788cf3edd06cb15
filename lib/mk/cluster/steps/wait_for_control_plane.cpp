// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr auto k_timeout = 6min;
constexpr auto k_interval = 250ms;

class WaitForControlPlane final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Waiting for the API server and node {} to be Ready", context.config.nodes.front().name);
  }

  Status run(StartContext& context) override {
    auto server = api_server(context.env.paths, context.config);
    auto deadline = std::chrono::steady_clock::now() + k_timeout;
    auto& ui = context.env.ui;
    std::string last = "no answer yet";
    auto timed_out = [&](std::string_view what) {
      auto logs = context.node->run({{"journalctl", "-u", "kubelet", "-n", "15", "--no-pager", "-o", "cat"}, {}, {}, 20s, {}});
      return fail(Error{ErrorCode::timeout,
                        fmt::format("{} within {} s (last: {}); the kubelet's last log lines:\n{}", what,
                                    std::chrono::duration_cast<std::chrono::seconds>(k_timeout).count(), last,
                                    core::indent(logs ? logs->out : std::string("(unavailable)"), "    ")),
                        {}, {}, {}});
    };
    // 1. /healthz answers ok
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto response = api_get(server, "/healthz", 3s);
      if (response && response->head.status == 200) break;
      last = response ? fmt::format("/healthz answered {}", response->head.status) : response.error().message;
      ui.step_progress("API server: " + last);
      if (std::chrono::steady_clock::now() >= deadline) return timed_out("the API server did not become healthy");
      std::this_thread::sleep_for(k_interval);
    }
    // 2. it is the version asked for
    auto version = MK_TRY(api_get(server, "/version"));
    auto document = nlohmann::json::parse(version.body, nullptr, false);
    auto served = document.is_object() ? document.value("gitVersion", "") : "";
    if (served != context.version.to_string())
      return fail(ErrorCode::kubernetes_failed, fmt::format("the API server reports version \"{}\", not {}", served,
                                                           context.version.to_string()));
    // 3. the node is Ready
    const auto& node = context.config.nodes.front().name;
    ui.step_progress("waiting for node " + node + " to be Ready");
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto ready = node_ready(server, node);
      if (ready && *ready) return {};
      last = ready ? "node NotReady" : "node not registered yet";
      if (std::chrono::steady_clock::now() >= deadline) return timed_out(fmt::format("node {} did not become Ready", node));
      std::this_thread::sleep_for(k_interval);
    }
  }
};
} // namespace

std::unique_ptr<Step> wait_for_control_plane() { return std::make_unique<WaitForControlPlane>(); }

} // namespace mk::cluster::steps
