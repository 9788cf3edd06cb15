// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr auto k_timeout = 6min;
constexpr auto k_interval = 100ms; // a request to the local API server costs about a millisecond

// The error of a wait that ran out of time, with the kubelet's and the API server's last log lines.
Error timed_out(StartContext& context, std::string_view what, std::string_view last) {
  auto kubelet = context.node->run(
      {{"journalctl", "-u", "kubelet", "-n", "12", "--no-pager", "-o", "cat"}, {}, {}, 20s, {}});
  auto apiserver = context.node->run(
      {{"sh", "-c",
        "tail -q -n 8 /var/log/pods/kube-system_kube-apiserver-*/kube-apiserver/*.log 2>/dev/null"},
       {},
       {},
       20s,
       {}});
  auto text = [](const Result<exec::RunResult>& r) {
    return core::indent(r && !core::trim(r->out).empty() ? r->out : std::string("(none)"), "    ");
  };
  return Error{
      ErrorCode::timeout,
      fmt::format("{} within {} s (last: {}); the kubelet's last log lines:\n{}  the API server's:\n{}", what,
                  std::chrono::duration_cast<std::chrono::seconds>(k_timeout).count(), last, text(kubelet),
                  text(apiserver)),
      {},
      {},
      {}};
}

class WaitForApiServer final : public Step {
public:
  std::string title(const StartContext&) const override { return "Waiting for the API server"; }

  Status run(StartContext& context) override {
    auto server = api_server(context.env.paths, context.config);
    auto deadline = std::chrono::steady_clock::now() + k_timeout;
    std::string last = "no answer yet";
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      auto response = api_get(server, "/healthz", 3s);
      if (response && response->head.status == 200) break;
      last = response ? fmt::format("/healthz answered {}", response->head.status) : response.error().message;
      context.env.ui.step_progress(last);
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(timed_out(context, "the API server did not become healthy", last));
      std::this_thread::sleep_for(k_interval);
    }
    auto version = MK_TRY(api_get(server, "/version"));
    auto document = nlohmann::json::parse(version.body, nullptr, false);
    auto served = document.is_object() ? document.value("gitVersion", "") : "";
    if (served != context.version.to_string())
      return fail(ErrorCode::kubernetes_failed, fmt::format("the API server reports version \"{}\", not {}",
                                                            served, context.version.to_string()));
    return {};
  }
};

// The control plane's pods (by their component label) and kube-proxy, each Running and Ready; what is missing
// otherwise.
std::string system_pods_missing(const ApiServer& server) {
  auto response = api_get(server, "/api/v1/namespaces/kube-system/pods");
  if (!response || response->head.status != 200) return "the pod list";
  auto document = nlohmann::json::parse(response->body, nullptr, false);
  std::map<std::string, bool> wanted = {{"etcd", false},
                                        {"kube-apiserver", false},
                                        {"kube-controller-manager", false},
                                        {"kube-scheduler", false},
                                        {"kube-proxy", false}};
  for (const auto& pod : document.value("items", nlohmann::json::array())) {
    auto labels = pod.value("/metadata/labels"_json_pointer, nlohmann::json::object());
    auto name = labels.value("component", labels.value("k8s-app", ""));
    auto it = wanted.find(name);
    if (it == wanted.end() || pod.value("/status/phase"_json_pointer, std::string()) != "Running") continue;
    for (const auto& condition : pod.value("/status/conditions"_json_pointer, nlohmann::json::array()))
      if (condition.value("type", "") == "Ready" && condition.value("status", "") == "True")
        it->second = true;
  }
  std::string missing;
  for (const auto& [name, ready] : wanted)
    if (!ready) missing += (missing.empty() ? "" : ", ") + name;
  return missing;
}

class WaitForNodeReady final : public Step {
public:
  std::string title(const StartContext& context) const override {
    const auto& wait = context.request.wait;
    const auto& node = context.target_node().name;
    if (wait.node_ready || !context.target_is_primary())
      return fmt::format("Waiting for node {} to be Ready", node);
    if (wait.default_sa) return "Waiting for the default ServiceAccount";
    return "Waiting for the system pods";
  }

  Status run(StartContext& context) override {
    // a worker: only its own readiness
    auto wait = context.request.wait;
    if (!context.target_is_primary()) wait = {true, false, false};
    auto server = api_server(context.env.paths, context.config);
    auto deadline = std::chrono::steady_clock::now() + k_timeout;
    const auto& node = context.target_node().name;
    std::string last;
    while (true) {
      if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
      last.clear();
      if (wait.node_ready) {
        // a kubelet (re)started by this run reports Ready since the start; one that was already running sends
        // its status only when it changes, so there its Lease tells that it is alive
        bool was_running = context.node_state == driver::State::running;
        auto since = was_running ? std::chrono::system_clock::time_point{} : context.started;
        auto ready = node_ready(server, node, since);
        if (ready && *ready && was_running && kubelet_alive(server, node) != std::optional<bool>(true))
          ready = false;
        if (!ready || !*ready) last = !ready ? "not registered yet" : "not Ready since the start";
      }
      // workloads can be created once the controller manager made the default service account
      if (last.empty() && wait.default_sa) {
        auto account = api_get(server, "/api/v1/namespaces/default/serviceaccounts/default");
        if (!account || account->head.status != 200) last = "waiting for the default service account";
      }
      if (last.empty() && wait.system_pods) {
        auto missing = system_pods_missing(server);
        if (!missing.empty()) last = "waiting for " + missing;
      }
      if (last.empty()) return {};
      context.env.ui.step_progress(last);
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(timed_out(context, fmt::format("node {} did not become ready", node), last));
      std::this_thread::sleep_for(k_interval);
    }
  }
};
} // namespace

std::unique_ptr<Step> wait_for_apiserver() {
  return std::make_unique<WaitForApiServer>();
}
std::unique_ptr<Step> wait_for_node_ready() {
  return std::make_unique<WaitForNodeReady>();
}

} // namespace mk::cluster::steps
