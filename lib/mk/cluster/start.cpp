// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start.hpp"

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
    plan.push_back(steps::prepare_node_image());
    if (kubernetes) plan.push_back(steps::download_kubernetes());
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
  if (context.node_state != driver::State::nonexistent) plan.push_back(steps::download_kubernetes());
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

config::ClusterConfig new_cluster_config(const StartRequest& request, std::string_view driver) {
  config::ClusterConfig c;
  c.name = request.profile;
  c.driver = driver;
  c.base_image = request.base_image.empty() ? k_default_base_image : request.base_image;
  c.cpus = request.cpus;
  c.memory_mb = request.memory_mb;
  c.network = request.profile;
  c.subnet = request.subnet;
  c.static_ip = request.static_ip;
  c.kubernetes_enabled = request.kubernetes;
  if (request.kubernetes) {
    c.kubernetes.version = request.kubernetes_version.empty() ? k8s::k_default.to_string() : request.kubernetes_version;
    c.kubernetes.image_repository = request.image_repository;
    c.kubernetes.insecure_registries = request.insecure_registries;
    c.kubernetes.binary_mirror = request.binary_mirror;
  }
  c.keep_context = request.keep_context;
  c.nodes.push_back({config::node_name(request.profile, 0), {}, true, {}});
  return c;
}

// Flags that cannot change an existing cluster: conflict for the ones that matter, a warning for the rest.
Status check_existing(const config::ClusterConfig& existing, const StartRequest& request, ui::Reporter& ui) {
  if (existing.kubernetes_enabled && !request.kubernetes)
    return fail(Error{ErrorCode::conflict, fmt::format("profile {} was created with Kubernetes", existing.name), {}, {},
                      fmt::format("delete it first (mk delete -p {}) to start it without Kubernetes", existing.name)});
  if (!existing.kubernetes_enabled && !request.kubernetes_version.empty())
    return fail(Error{ErrorCode::conflict, fmt::format("profile {} was created without Kubernetes", existing.name), {}, {},
                      fmt::format("delete it first (mk delete -p {}) to add Kubernetes", existing.name)});
  if (request.cpus_given && request.cpus != existing.cpus)
    ui.warning(fmt::format("--cpus is ignored: the existing cluster keeps {} CPUs", existing.cpus));
  if (request.memory_given && request.memory_mb != existing.memory_mb)
    ui.warning(fmt::format("--memory is ignored: the existing cluster keeps {} MB", existing.memory_mb));
  if (!request.base_image.empty() && request.base_image != existing.base_image)
    ui.warning("--base-image is ignored: the node already exists");
  if (!request.subnet.empty() && request.subnet != existing.subnet)
    ui.warning(fmt::format("--subnet is ignored: the cluster network is {}", existing.subnet));
  if (!request.kubernetes_version.empty() && request.kubernetes_version != existing.kubernetes.version)
    return fail(Error{ErrorCode::conflict,
                      fmt::format("cluster {} runs Kubernetes {}; mk does not change the version of an existing cluster",
                                  existing.name, existing.kubernetes.version),
                      {}, {}, fmt::format("delete it first (mk delete -p {}) or start another profile", existing.name)});
  if (!request.image_repository.empty() && request.image_repository != existing.kubernetes.image_repository)
    ui.warning(fmt::format("--image-repository is ignored: the cluster keeps {}",
                           existing.kubernetes.image_repository.empty() ? "the default" : existing.kubernetes.image_repository));
  return {};
}

} // namespace

Status start(Env& env, driver::Driver& driver, const StartRequest& request) {
  auto lock = MK_TRY(env.store.lock(request.profile, 10min, [&] {
    env.ui.info(fmt::format("Waiting for another mk command on profile {} to finish...", request.profile));
  }));
  auto existing = MK_TRY(env.store.load(request.profile));
  StartContext context{.env = env, .driver = driver, .request = request};
  if (existing) {
    MK_TRY(check_existing(*existing, request, env.ui));
    context.config = std::move(*existing);
    if (!context.config.primary()) context.config.nodes.push_back({config::node_name(request.profile, 0), {}, true, {}});
    context.node_state = MK_TRY(driver.inspect_node(context.primary().name)).state;
    if (context.node_state == driver::State::paused)
      return fail(ErrorCode::conflict, fmt::format("node {} is paused; unpause it first", context.primary().name));
  } else {
    context.config = new_cluster_config(request, driver.name());
    MK_TRY(context.save());
    auto& store = env.store;
    context.rollback.push(fmt::format("remove profile {}", request.profile),
                          [&store, name = request.profile] { return store.remove(name); });
  }
  if (context.config.kubernetes_enabled) context.version = MK_TRY(k8s::parse_version(context.config.kubernetes.version));
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

} // namespace mk::cluster
