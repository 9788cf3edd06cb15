// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/new_config.hpp"
#include "mk/cluster/sources.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/k8s/version.hpp"

#include <chrono>
#include <fmt/format.h>

namespace mk::cluster {

using namespace std::chrono_literals;

namespace {

// The ordered steps of this run; which ones depend on what already exists.
std::vector<std::unique_ptr<Step>> plan_start(const StartContext& context) {
  std::vector<std::unique_ptr<Step>> plan;
  bool kubernetes = context.config.kubernetes_enabled;
  switch (context.node_state) {
  case driver::State::nonexistent:
    plan.push_back(kubernetes ? steps::fetch_artifacts() : steps::prepare_node_image());
    plan.push_back(steps::create_network());
    plan.push_back(steps::create_node());
    break;
  case driver::State::stopped:
  case driver::State::error:
    plan.push_back(steps::start_node());
    break;
  default:
    break;
  }
  plan.push_back(steps::wait_for_boot());
  plan.push_back(steps::install_ssh_key());
  if (!kubernetes) return plan;
  plan.push_back(steps::generate_certificates());
  plan.push_back(steps::configure_runtime());
  plan.push_back(steps::install_kubernetes());
  plan.push_back(steps::pull_images());
  plan.push_back(steps::bootstrap_control_plane());
  plan.push_back(steps::wait_for_apiserver());
  plan.push_back(steps::wait_for_node_ready());
  plan.push_back(steps::enable_addons());
  plan.push_back(steps::update_kubeconfig());
  return plan;
}

} // namespace

Status start(Env& env, driver::Driver& driver, const StartRequest& request) {
  auto lock = MK_TRY(lock_profile(env, request.profile));
  bool exists = MK_TRY(env.store.load(request.profile)).has_value();
  StartContext context{.env = env, .driver = driver, .request = request};
  context.config = MK_TRY(config_for_request(env, request, driver.name(), request.kubernetes));
  if (exists) {
    if (!context.config.primary())
      context.config.nodes.push_back({config::node_name(request.profile, 0), {}, true, {}});
    context.node_state = MK_TRY(driver.inspect_node(context.primary().name)).state;
    if (context.config.kubernetes_enabled && !context.config.kubernetes.initialized &&
        context.node_state != driver::State::nonexistent) {
      // an earlier start was killed before kubeadm init completed: a half-initialised node cannot be reset
      // (the node image's crictl cannot stop pods), so it is created afresh
      env.ui.warning(fmt::format("node {} never finished bootstrapping Kubernetes: creating it again",
                                 context.primary().name));
      MK_TRY(driver.remove_node(context.primary().name));
      context.node_state = driver::State::nonexistent;
    }
    if (context.node_state == driver::State::paused)
      return fail(ErrorCode::conflict,
                  fmt::format("node {} is paused; unpause it first", context.primary().name));
  } else {
    MK_TRY(context.save());
    auto& store = env.store;
    context.rollback.push(fmt::format("remove profile {}", request.profile),
                          [&store, name = request.profile] { return store.remove(name); });
  }
  if (context.config.kubernetes_enabled) {
    context.version = MK_TRY(k8s::parse_version(context.config.kubernetes.version));
    context.plan = MK_TRY(plan_of(context.config));
  }
  auto plan = plan_start(context);
  auto result = run_steps(plan, context);
  if (!result) {
    context.rollback.run(env.ui);
    auto error = std::move(result).error();
    if (core::interrupted()) error.code = ErrorCode::interrupted;
    return fail(std::move(error));
  }
  return {};
}

Result<std::string> dry_run(Env& env, const StartRequest& request) {
  auto config = MK_TRY(config_for_request(env, request, request.driver, false));
  if (!config.kubernetes_enabled) return fmt::format("base image: {}\n", config.base_image);
  auto plan = MK_TRY(plan_of(config));
  if (!request.preload) plan.preload = {};
  return mirror::format_plan(plan);
}

} // namespace mk::cluster
