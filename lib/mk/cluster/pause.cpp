// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/pause.hpp"

#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <charconv>
#include <fmt/format.h>
#include <thread>

namespace mk::cluster {

using namespace std::chrono_literals;

std::vector<std::string> default_pause_namespaces() {
  return {"kube-system", "kubernetes-dashboard", "istio-operator"};
}

std::string pause_script() {
  return fmt::format(R"sh(set -u
record={record}
mkdir -p "$(dirname "$record")"
systemctl stop kubelet
if [ $# -eq 0 ]; then
  ids=$(crictl ps -q --state running)
else
  ids=
  for namespace; do ids="$ids $(crictl ps -q --state running --label io.kubernetes.pod.namespace="$namespace")"; done
fi
frozen=0
for id in $ids; do
  grep -qx "$id" "$record" 2>/dev/null && continue
  ctr -n k8s.io tasks pause "$id" && echo "$id" >>"$record" && frozen=$((frozen + 1))
done
echo "frozen $frozen"
)sh",
                     fmt::arg("record", k_paused_record));
}

std::string unpause_script(bool start_kubelet) {
  return fmt::format(R"sh(set -u
record={record}
thawed=0
if [ -f "$record" ]; then
  for id in $(sort -u "$record"); do
    ctr -n k8s.io tasks resume "$id" 2>/dev/null && thawed=$((thawed + 1))
  done
  rm -f "$record"
fi
{kubelet}echo "thawed $thawed"
)sh",
                     fmt::arg("record", k_paused_record),
                     fmt::arg("kubelet", start_kubelet ? "systemctl start kubelet\n" : ""));
}

namespace {

// The number after `word` in the script's last line ("frozen 3").
int count_after(const std::string& out, std::string_view word) {
  auto words = core::words(out);
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == word) {
      int n = 0;
      std::from_chars(words[i + 1].data(), words[i + 1].data() + words[i + 1].size(), n);
      return n;
    }
  return 0;
}

Result<config::ClusterConfig> load_kubernetes_profile(Env& env, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  if (!config->kubernetes_enabled)
    return fail(ErrorCode::usage,
                fmt::format("cluster {} runs without Kubernetes: nothing to pause", profile));
  return std::move(*config);
}

} // namespace

Result<int> pause(Env& env, driver::Driver& driver, std::string_view profile,
                  const std::vector<std::string>& namespaces) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(load_kubernetes_profile(env, profile));
  int frozen = 0;
  bool any = false;
  for (const auto& node : config.nodes) {
    if (MK_TRY(driver.inspect_node(node.name)).state != driver::State::running) continue;
    any = true;
    env.ui.step_started(fmt::format("Pausing node {}", node.name));
    auto runner = driver.node_runner(node.name);
    exec::Command command{{"sh", "-c", pause_script(), "mk-pause"}, {}, {}, 120s, {}};
    command.argv.insert(command.argv.end(), namespaces.begin(), namespaces.end());
    auto result = exec::run_checked(*runner, command, ErrorCode::node_failed);
    env.ui.step_finished(result.has_value());
    // what was frozen is recorded in the node; the profile says so as soon as anything may be frozen
    config.paused = true;
    MK_TRY(env.store.save(config));
    if (!result) return fail(std::move(result).error());
    frozen += count_after(result->out, "frozen");
  }
  if (!any) return fail(not_running(profile));
  return frozen;
}

Result<int> unpause_locked(Env& env, driver::Driver& driver, config::ClusterConfig& config,
                           bool start_kubelets) {
  int thawed = 0;
  for (const auto& node : config.nodes) {
    if (MK_TRY(driver.inspect_node(node.name)).state != driver::State::running) continue;
    env.ui.step_started(fmt::format("{} node {}", start_kubelets ? "Unpausing" : "Thawing", node.name));
    auto runner = driver.node_runner(node.name);
    auto result = exec::run_checked(*runner, {{"sh", "-c", unpause_script(start_kubelets)}, {}, {}, 120s, {}},
                                    ErrorCode::node_failed);
    env.ui.step_finished(result.has_value());
    if (!result) return fail(std::move(result).error());
    thawed += count_after(result->out, "thawed");
  }
  config.paused = false;
  MK_TRY(env.store.save(config));
  if (!start_kubelets) return thawed;
  if (MK_TRY(driver.inspect_node(config.primary()->name)).state != driver::State::running) return thawed;
  env.ui.step_started("Waiting for the API server");
  auto server = api_server(env.paths, config);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (apiserver_health(server) != "Running") {
    if (core::interrupted()) {
      env.ui.step_finished(false);
      return fail(ErrorCode::interrupted, "interrupted");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      env.ui.step_finished(false);
      return fail(ErrorCode::timeout, "the API server did not answer within 60 s of the unpause");
    }
    std::this_thread::sleep_for(50ms);
  }
  env.ui.step_finished(true);
  return thawed;
}

Result<int> unpause(Env& env, driver::Driver& driver, std::string_view profile) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(load_kubernetes_profile(env, profile));
  return unpause_locked(env, driver, config, true);
}

} // namespace mk::cluster
