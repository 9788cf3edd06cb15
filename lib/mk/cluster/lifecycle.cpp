// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/lifecycle.hpp"

#include "mk/cluster/pause.hpp"
#include "mk/cluster/status.hpp"
#include "mk/kube/kubeconfig.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace mk::cluster {

using namespace std::chrono_literals;

Result<int> stop(Env& env, driver::Driver& driver, std::string_view profile) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  // frozen processes cannot end: a paused cluster is thawed first (it starts unpaused)
  if (config->paused) MK_TRY(unpause_locked(env, driver, *config, false));
  int stopped = 0;
  for (auto it = config->nodes.rbegin(); it != config->nodes.rend(); ++it) {
    auto info = MK_TRY(driver.inspect_node(it->name));
    if (info.state != driver::State::running && info.state != driver::State::paused) continue;
    env.ui.step_started(fmt::format("Stopping node {}", it->name));
    auto result = driver.stop_node(it->name);
    env.ui.step_finished(result.has_value());
    if (!result) return fail(std::move(result).error());
    ++stopped;
  }
  return stopped;
}

Result<bool> remove(Env& env, driver::Driver& driver, std::string_view profile) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return false;
  if (config->paused) {
    auto thawed = unpause_locked(env, driver, *config, false);
    if (!thawed)
      env.ui.warning(fmt::format("could not thaw the paused cluster: {}", thawed.error().summary()));
  }
  for (auto it = config->nodes.rbegin(); it != config->nodes.rend(); ++it) {
    env.ui.step_started(fmt::format("Deleting node {}", it->name));
    auto removed = driver.remove_node(it->name);
    env.ui.step_finished(removed.has_value());
    if (!removed) return fail(std::move(removed).error());
    std::error_code ec;
    std::filesystem::remove_all(env.paths.machine_dir(it->name), ec);
  }
  if (!config->network.empty()) MK_TRY(driver.remove_network(config->network));
  if (config->kubernetes_enabled) MK_TRY(kube::remove_kubeconfig_entry(kube::kubeconfig_path(), profile));
  MK_TRY(env.store.remove(profile));
  return true;
}

Status purge_home(const core::Paths& paths) {
  std::error_code ec;
  for (const auto& entry : {paths.profiles_dir(), paths.machines_dir(), paths.networks_dir(),
                            paths.cache_dir(), paths.locks_dir(), paths.ca_cert(), paths.ca_key(),
                            paths.proxy_client_ca_cert(), paths.proxy_client_ca_key()}) {
    std::filesystem::remove_all(entry, ec);
    if (ec)
      return fail(ErrorCode::failure, fmt::format("cannot remove {}: {}", entry.string(), ec.message()));
  }
  std::filesystem::remove(paths.home(), ec); // only when empty
  return {};
}

} // namespace mk::cluster
