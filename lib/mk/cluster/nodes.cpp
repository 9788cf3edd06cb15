// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/nodes.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/pod_network.hpp"
#include "mk/cluster/start.hpp"
#include "mk/cluster/status.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace mk::cluster {

using namespace std::chrono_literals;

Result<config::NodeConfig> node_named(const config::ClusterConfig& config, std::string_view name) {
  if (name.empty() && config.primary()) return *config.primary();
  if (const auto* node = config::find_node(config, name)) return *node;
  std::string names;
  for (const auto& node : config.nodes)
    names += (names.empty() ? "" : ", ") + node.name;
  return fail(Error{ErrorCode::not_found,
                    fmt::format("profile {} has no node named \"{}\"", config.name, name),
                    {},
                    {},
                    fmt::format("its nodes: {}", names.empty() ? "(none)" : names)});
}

// A paused cluster's frozen processes cannot end or be drained: node commands wait for the unpause.
Status refuse_paused(const config::ClusterConfig& config) {
  if (config.paused)
    return fail(Error{ErrorCode::conflict,
                      fmt::format("cluster {} is paused", config.name),
                      {},
                      {},
                      fmt::format("unpause it first: mk unpause -p {}", config.name)});
  return {};
}

namespace {

Result<config::ClusterConfig> load_profile(Env& env, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  return std::move(*config);
}

// What a node command's steps are run with: the profile's own choices, mk's default waits.
StartRequest request_for(const config::ClusterConfig& config) {
  StartRequest request;
  request.profile = config.name;
  request.driver = config.driver;
  request.kubernetes = config.kubernetes_enabled;
  return request;
}

Status require_running_primary(driver::Driver& driver, const config::ClusterConfig& config) {
  MK_TRY(refuse_paused(config));
  auto state = MK_TRY(driver.inspect_node(config.primary()->name)).state;
  if (state != driver::State::running)
    return fail(Error{ErrorCode::node_failed,
                      fmt::format("the control plane of cluster {} is not running ({})", config.name,
                                  driver::to_string(state)),
                      {},
                      {},
                      fmt::format("start the cluster first: mk start -p {}", config.name)});
  return {};
}

// Makes `context` work on the existing cluster `config`, whose control plane was completed.
Status take_existing(StartContext& context, config::ClusterConfig config) {
  context.config = std::move(config);
  context.existed = true;
  context.control_plane_initialized = true;
  if (context.config.kubernetes_enabled) {
    context.version = MK_TRY(k8s::parse_version(context.config.kubernetes.version));
    context.plan = MK_TRY(plan_of(context.config));
  }
  return {};
}

// Runs `argv` in the primary node with the admin kubeconfig; a failure is returned (callers decide whether it
// matters).
Status in_primary(driver::Driver& driver, const config::ClusterConfig& config, const k8s::Version& version,
                  std::vector<std::string> args, std::chrono::milliseconds timeout) {
  auto runner = driver.node_runner(config.primary()->name);
  MK_TRY(exec::run_checked(*runner, admin_kubectl(version, std::move(args), timeout),
                           ErrorCode::kubernetes_failed));
  return {};
}

// Runs `action` as a titled step on the reporter.
Status titled(Env& env, const std::string& title, const std::function<Status()>& action) {
  env.ui.step_started(title);
  auto result = action();
  env.ui.step_finished(result.has_value());
  return result;
}

} // namespace

Result<std::string> add_node(Env& env, driver::Driver& driver, std::string_view profile) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(load_profile(env, profile));
  if (auto refusal = driver.multi_node_refusal(); !refusal.empty()) return fail(ErrorCode::usage, refusal);
  MK_TRY(require_running_primary(driver, config));
  auto request = request_for(config);
  StartContext context{.env = env, .driver = driver, .request = request};
  MK_TRY(take_existing(context, std::move(config)));
  int number = config::next_node_number(context.config);
  auto name = config::node_name(profile, number - 1);
  context.config.nodes.push_back({name, {}, false, {}, {}});
  context.config.highest_node_number = number;
  MK_TRY(context.save());
  // undone last: the profile forgets the node (what steps saved since included), the others' routes follow
  context.rollback.push(fmt::format("remove node {} from profile {}", name, profile),
                        [&env, &driver, profile = std::string(profile), name]() -> Status {
                          auto stored = MK_TRY(load_profile(env, profile));
                          std::erase_if(stored.nodes, [&](const auto& n) { return n.name == name; });
                          MK_TRY(env.store.save(stored));
                          if (stored.kubernetes_enabled) MK_TRY(sync_pod_routes(driver, stored));
                          return {};
                        });
  context.retarget(context.config.nodes.size() - 1, driver::State::nonexistent);
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(context.config.kubernetes_enabled ? steps::fetch_artifacts() : steps::prepare_node_image());
  for (auto& step : plan_node(context))
    steps.push_back(std::move(step));
  MK_TRY(run_guarded(context, [&] { return run_steps(steps, context); }));
  return name;
}

Status delete_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(load_profile(env, profile));
  auto node = MK_TRY(node_named(config, name));
  MK_TRY(refuse_paused(config));
  if (node.name == config.primary()->name)
    return fail(Error{ErrorCode::usage,
                      fmt::format("node {} is the control plane of cluster {}", node.name, profile),
                      {},
                      {},
                      fmt::format("use mk delete -p {} to delete the whole cluster", profile)});
  auto primary_state = MK_TRY(driver.inspect_node(config.primary()->name)).state;
  auto state = MK_TRY(driver.inspect_node(node.name)).state;
  if (config.kubernetes_enabled) {
    auto version = MK_TRY(k8s::parse_version(config.kubernetes.version));
    bool api = primary_state == driver::State::running && !config.paused;
    if (!api)
      env.ui.warning(fmt::format("the control plane is not running: node {} is removed without draining it, "
                                 "and its Node object stays until the cluster runs again",
                                 node.name));
    if (api && state == driver::State::running) {
      auto drained = titled(env, fmt::format("Draining node {}", node.name), [&] {
        return in_primary(driver, config, version,
                          {"drain", node.name, "--ignore-daemonsets", "--delete-emptydir-data", "--force",
                           "--grace-period=2", "--timeout=90s"},
                          120s);
      });
      if (!drained) env.ui.warning(fmt::format("drain of node {}: {}", node.name, drained.error().summary()));
    }
    if (state == driver::State::running) {
      auto reset = titled(
          env, fmt::format("Resetting Kubernetes in node {} (kubeadm reset)", node.name), [&]() -> Status {
            auto runner = driver.node_runner(node.name);
            auto path =
                kube::binaries_dir(version) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
            MK_TRY(exec::run_checked(*runner,
                                     {{"env", "PATH=" + path, "kubeadm", "reset", "-f"}, {}, {}, 120s, {}},
                                     ErrorCode::kubernetes_failed));
            return {};
          });
      if (!reset)
        env.ui.warning(fmt::format("kubeadm reset in node {}: {}", node.name, reset.error().summary()));
    }
    if (api) {
      auto deleted = titled(env, fmt::format("Deleting the Node object {}", node.name), [&] {
        return in_primary(driver, config, version, {"delete", "node", node.name, "--ignore-not-found"}, 60s);
      });
      if (!deleted) return fail(std::move(deleted).error());
    }
  }
  auto removed = titled(env, fmt::format("Deleting node {}", node.name), [&]() -> Status {
    MK_TRY(driver.remove_node(node.name));
    std::error_code ec;
    std::filesystem::remove_all(env.paths.machine_dir(node.name), ec);
    return {};
  });
  if (!removed) return fail(std::move(removed).error());
  std::erase_if(config.nodes, [&](const auto& n) { return n.name == node.name; });
  MK_TRY(env.store.save(config));
  if (config.kubernetes_enabled && primary_state == driver::State::running) {
    auto routed = sync_pod_routes(driver, config);
    if (!routed) env.ui.warning(routed.error().summary());
  }
  return {};
}

Result<bool> stop_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(load_profile(env, profile));
  auto node = MK_TRY(node_named(config, name));
  MK_TRY(refuse_paused(config));
  auto state = MK_TRY(driver.inspect_node(node.name)).state;
  if (state != driver::State::running && state != driver::State::paused) return false;
  if (node.name == config.primary()->name && config.kubernetes_enabled)
    env.ui.info(fmt::format("Node {} runs the cluster's control plane: stopping it stops the API server; the "
                            "workers keep running without it",
                            node.name));
  MK_TRY(
      titled(env, fmt::format("Stopping node {}", node.name), [&] { return driver.stop_node(node.name); }));
  return true;
}

Status start_node(Env& env, driver::Driver& driver, std::string_view profile, std::string_view name) {
  auto config = MK_TRY(load_profile(env, profile));
  auto node = MK_TRY(node_named(config, name));
  if (node.name == config.primary()->name) {
    // the primary brings the cluster up: its control plane, then the workers (as mk start)
    env.ui.info(fmt::format("Node {} runs the control plane: starting the cluster", node.name));
    return start(env, driver, request_for(config));
  }
  auto lock = MK_TRY(lock_profile(env, profile));
  config = MK_TRY(load_profile(env, profile));
  if (config.kubernetes_enabled) MK_TRY(require_running_primary(driver, config));
  auto state = MK_TRY(driver.inspect_node(node.name)).state;
  if (state == driver::State::paused)
    return fail(ErrorCode::conflict, fmt::format("node {} is paused; unpause it first", node.name));
  auto request = request_for(config);
  StartContext context{.env = env, .driver = driver, .request = request};
  MK_TRY(take_existing(context, std::move(config)));
  size_t index = 0;
  while (context.config.nodes[index].name != node.name)
    ++index;
  context.retarget(index, state);
  auto steps = plan_node(context);
  return run_guarded(context, [&] { return run_steps(steps, context); });
}

} // namespace mk::cluster
