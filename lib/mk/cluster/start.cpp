// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start.hpp"

#include "mk/cluster/control_plane.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/new_config.hpp"
#include "mk/cluster/pause.hpp"
#include "mk/cluster/sources.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/exec/tracked.hpp"
#include "mk/k8s/version.hpp"

#include <chrono>
#include <fmt/format.h>
#include <future>
#include <map>

namespace mk::cluster {

using namespace std::chrono_literals;

namespace {
// The steps that make the target node run and reachable from its state: created or started, booted, its SSH
// key installed.
void add_bring_up(std::vector<std::unique_ptr<Step>>& plan, driver::State state) {
  if (state == driver::State::nonexistent) plan.push_back(steps::create_node());
  if (state == driver::State::stopped || state == driver::State::error) plan.push_back(steps::start_node());
  plan.push_back(steps::wait_for_boot());
  plan.push_back(steps::install_ssh_key());
}
} // namespace

// The ordered steps that bring the target node up; which ones depend on what already exists. The primary's
// also bring up the cluster (network, control plane, addons, kubeconfig); a worker's join it. A new worker's
// artefacts are fetched before (by the primary's steps, or by `mk node add`).
std::vector<std::unique_ptr<Step>> plan_node(const StartContext& context) {
  if (!context.target_is_primary()) {
    auto plan = plan_worker_preparation(context);
    for (auto& step : plan_worker_join(context))
      plan.push_back(std::move(step));
    return plan;
  }
  std::vector<std::unique_ptr<Step>> plan;
  bool kubernetes = context.config.kubernetes_enabled;
  if (context.node_state == driver::State::nonexistent) {
    plan.push_back(kubernetes ? steps::fetch_artifacts() : steps::prepare_node_image());
    plan.push_back(steps::create_network());
  }
  add_bring_up(plan, context.node_state);
  if (!kubernetes) return plan;
  plan.push_back(steps::generate_certificates());
  plan.push_back(steps::configure_runtime());
  plan.push_back(steps::install_kubernetes());
  plan.push_back(steps::pull_images());
  plan.push_back(steps::bootstrap_control_plane());
  plan.push_back(steps::wait_for_apiserver());
  if (context.confirm_control_plane) plan.push_back(steps::confirm_control_plane());
  const auto& wait = context.request.wait;
  if (wait.node_ready || wait.default_sa || wait.system_pods) plan.push_back(steps::wait_for_node_ready());
  // the primary's own routes go with its network namespace: made again whenever it starts among workers
  if (context.config.nodes.size() > 1) plan.push_back(steps::pod_network());
  plan.push_back(steps::enable_addons());
  plan.push_back(steps::update_kubeconfig());
  return plan;
}

std::vector<std::unique_ptr<Step>> plan_worker_preparation(const StartContext& context) {
  std::vector<std::unique_ptr<Step>> plan;
  add_bring_up(plan, context.node_state);
  if (!context.config.kubernetes_enabled) return plan;
  plan.push_back(steps::configure_runtime());
  plan.push_back(steps::install_kubernetes());
  plan.push_back(steps::pull_images());
  return plan;
}

std::vector<std::unique_ptr<Step>> plan_worker_join(const StartContext& context) {
  std::vector<std::unique_ptr<Step>> plan;
  if (!context.config.kubernetes_enabled) return plan;
  plan.push_back(steps::join_node());
  plan.push_back(steps::pod_network());
  if (context.request.wait.node_ready) plan.push_back(steps::wait_for_node_ready());
  return plan;
}

namespace {

// Workers brought up to their join on threads of their own, silently (the terminal shows the main thread's
// steps), each in a context of its own over a copy of the profile. Collecting one hands its record and its
// undo actions to the main context and makes it the main context's target; whatever is not collected is
// waited for and its undo actions handed over when this goes out of scope, so a failed start removes every
// node it made.
class WorkerPreparations {
public:
  explicit WorkerPreparations(StartContext& main) : m_main(main) {}
  ~WorkerPreparations() {
    for (auto& [index, work] : m_work)
      if (work->done.valid()) {
        work->done.wait();
        m_main.rollback.absorb(std::move(work->context.rollback));
      }
  }
  WorkerPreparations(const WorkerPreparations&) = delete;
  WorkerPreparations& operator=(const WorkerPreparations&) = delete;

  void launch(std::size_t index, driver::State state) {
    auto work = std::make_unique<Work>(m_main);
    auto& context = work->context;
    context.config = m_main.config;
    context.version = m_main.version;
    context.plan = m_main.plan;
    context.host_binaries = m_main.host_binaries;
    context.preload = m_main.preload;
    context.started = m_main.started;
    context.existed = m_main.existed;
    context.control_plane_initialized = m_main.control_plane_initialized;
    context.defer_saves = true;
    context.retarget(index, state);
    work->began = std::chrono::steady_clock::now();
    work->done = std::async(std::launch::async, [&context] {
      auto steps = plan_worker_preparation(context);
      return run_steps(steps, context);
    });
    m_work.emplace(index, std::move(work));
  }

  // Waits for worker `index` (run in the main context when it was not launched: then nothing happens here).
  Status collect(std::size_t index) {
    auto it = m_work.find(index);
    if (it == m_work.end()) return {};
    auto& work = *it->second;
    auto result = work.done.get();
    m_main.rollback.absorb(std::move(work.context.rollback));
    m_main.config.nodes[index] = work.context.config.nodes[index];
    MK_TRY(m_main.save());
    if (!result) return result;
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - work.began).count();
    auto beside = m_main.existed                     ? std::string("the other workers")
                  : m_main.config.kubernetes_enabled ? std::string("the control plane")
                                                     : fmt::format("node {}", m_main.config.nodes[0].name);
    m_main.env.ui.info(fmt::format(
        "Node {} was {}, booted and configured beside {} ({:.1f}s)", m_main.config.nodes[index].name,
        work.context.node_state == driver::State::nonexistent ? "created" : "started", beside, seconds));
    m_main.target = index;
    m_main.node_state = work.context.node_state;
    m_main.node = std::move(work.context.node);
    m_main.survey = std::move(work.context.survey);
    m_main.node_files = work.context.node_files;
    return {};
  }

private:
  struct Work {
    explicit Work(StartContext& main)
        : quiet(ui::make_silent_reporter()), env{main.env.paths, main.env.log, main.env.host, *quiet},
          context{.env = env, .driver = main.driver, .request = main.request} {}
    std::unique_ptr<ui::Reporter> quiet; // first: env refers to it
    Env env;
    StartContext context;
    std::future<Status> done{};
    std::chrono::steady_clock::time_point began{};
  };
  StartContext& m_main;
  std::map<std::size_t, std::unique_ptr<Work>> m_work;
};

// For an existing profile: stops what a killed mk left running in its node, and decides whether its control
// plane is restarted or (never completed) the node is made afresh.
// The state of an existing node before this run; stops what a killed mk left running in it.
Result<driver::State> examine_node(StartContext& context, const std::string& node) {
  auto& driver = context.driver;
  auto state = MK_TRY(driver.inspect_node(node)).state;
  if (state == driver::State::paused)
    return fail(ErrorCode::conflict, fmt::format("node {} is paused; unpause it first", node));
  if (state == driver::State::running) {
    auto runner = driver.node_runner(node);
    auto stopped = MK_TRY(exec::stop_orphaned_commands(*runner));
    if (!stopped.empty())
      context.env.ui.info(fmt::format("Stopped what an interrupted mk left running in node {} ({} command{})",
                                      node, stopped.size(), stopped.size() == 1 ? "" : "s"));
  }
  return state;
}

Status examine_existing_node(StartContext& context) {
  auto& driver = context.driver;
  const auto& node = context.primary().name;
  context.node_state = MK_TRY(examine_node(context, node));
  if (!context.config.kubernetes_enabled) return {};
  const auto& image = context.config.base_image;
  bool marker = MK_TRY(driver.read_node_data(node, image, k_init_marker)).has_value();
  bool kubeadm_state = false;
  if (!marker && context.config.schema_version < 2) {
    auto evidence = context.node_state == driver::State::nonexistent ? "/var/lib/kubelet/config.yaml"
                                                                     : "/etc/kubernetes/admin.conf";
    kubeadm_state = MK_TRY(driver.read_node_data(node, image, evidence)).has_value();
  }
  switch (control_plane_completion(context.config.schema_version, marker, kubeadm_state)) {
  case Completion::completed:
    context.control_plane_initialized = true;
    break;
  case Completion::unknown:
    context.control_plane_initialized = true;
    context.confirm_control_plane = true;
    break;
  case Completion::never:
    // an earlier start ended before kubeadm init completed: a half-initialised node cannot be reset (the
    // node image's crictl cannot stop pods), so it is made afresh; no cluster ever ran in it
    context.env.ui.warning(
        fmt::format("node {} never finished bootstrapping Kubernetes: creating it again", node));
    MK_TRY(driver.remove_node(node));
    context.node_state = driver::State::nonexistent;
    context.config.schema_version = config::k_schema_version;
    break;
  }
  return {};
}

Status run_start(StartContext& context) {
  auto& env = context.env;
  const auto& request = context.request;
  bool exists = MK_TRY(env.store.load(request.profile)).has_value();
  context.config = MK_TRY(config_for_request(env, request, context.driver.name(), request.kubernetes));
  context.existed = exists;
  if (auto refusal = context.driver.multi_node_refusal(); !refusal.empty() && request.nodes > 1)
    return fail(ErrorCode::usage, refusal);
  if (exists && request.nodes > 0 && static_cast<size_t>(request.nodes) != context.config.nodes.size())
    return fail(Error{ErrorCode::usage,
                      fmt::format("cluster {} has {} node{}; --nodes={} does not change an existing cluster",
                                  request.profile, context.config.nodes.size(),
                                  context.config.nodes.size() == 1 ? "" : "s", request.nodes),
                      {},
                      {},
                      fmt::format("add or remove nodes with mk node add -p {0} / mk node delete -p {0} NAME",
                                  request.profile)});
  if (exists && context.config.paused) {
    env.ui.info(fmt::format("Cluster {} is paused: unpausing it", request.profile));
    MK_TRY(unpause_locked(env, context.driver, context.config, true));
  }
  if (exists) {
    if (!context.config.primary())
      context.config.nodes.push_back({config::node_name(request.profile, 0), {}, true, {}, {}});
    MK_TRY(examine_existing_node(context));
  } else {
    MK_TRY(context.save());
    context.rollback.push(fmt::format("remove profile {}", request.profile),
                          [&store = env.store, name = request.profile] { return store.remove(name); });
  }
  if (context.config.kubernetes_enabled) {
    context.version = MK_TRY(k8s::parse_version(context.config.kubernetes.version));
    context.plan = MK_TRY(plan_of(context.config));
  }
  if (auto caveat = context.driver.caveat(); !caveat.empty() && context.node_state != driver::State::running)
    env.ui.warning(caveat);
  // the workers' states before this run (a paused one stops the start before anything changes)
  std::vector<driver::State> workers;
  if (exists)
    for (size_t i = 1; i < context.config.nodes.size(); ++i)
      workers.push_back(MK_TRY(examine_node(context, context.config.nodes[i].name)));
  // A new cluster's workers are prepared (created, booted, configured) beside the control plane's bootstrap,
  // once the network and the artefacts are there; an existing cluster's workers start together after its
  // control plane. Each then joins in turn.
  auto plan = plan_node(context);
  size_t creation = context.node_state == driver::State::nonexistent ? 3 : 0; // artefacts, network, node
  std::vector<std::unique_ptr<Step>> head;
  for (size_t i = 0; i < creation && i < plan.size(); ++i)
    head.push_back(std::move(plan[i]));
  plan.erase(plan.begin(), plan.begin() + static_cast<long>(std::min(creation, plan.size())));
  auto result = run_steps(head, context);
  WorkerPreparations preparations(context);
  if (result && !exists) {
    for (int i = 1; i < request.nodes; ++i) {
      int number = config::next_node_number(context.config);
      context.config.nodes.push_back({config::node_name(request.profile, number - 1), {}, false, {}, {}});
      context.config.highest_node_number = number;
    }
    result = context.save();
    for (size_t i = 1; result && i < context.config.nodes.size(); ++i)
      preparations.launch(i, driver::State::nonexistent);
  }
  if (result) result = run_steps(plan, context);
  if (result && exists)
    for (size_t i = 1; i < context.config.nodes.size(); ++i)
      preparations.launch(i, workers[i - 1]);
  for (size_t i = 1; i < context.config.nodes.size(); ++i) {
    auto prepared = preparations.collect(i);
    if (result) result = prepared;
    if (result) result = run_steps(plan_worker_join(context), context);
  }
  if (!result && exists && context.control_plane_initialized && result.error().advice.empty() &&
      result.error().code != ErrorCode::interrupted)
    return fail(std::move(result).error().with_advice(recreate_advice(request.profile)));
  return result;
}

} // namespace

Status start(Env& env, driver::Driver& driver, const StartRequest& request) {
  auto lock = MK_TRY(lock_profile(env, request.profile));
  StartContext context{.env = env, .driver = driver, .request = request};
  // undoes what this run created on every way out: an error, an exception, an interrupt
  return run_guarded(context, [&] { return run_start(context); });
}

Result<std::string> dry_run(Env& env, const StartRequest& request) {
  auto config = MK_TRY(config_for_request(env, request, request.driver, false));
  // the effective settings: the command line, else the existing profile's, else mk config's, else mk's
  auto settings =
      fmt::format("driver: {}\ncpus: {}\nmemory: {}\nnodes: {}\n",
                  request.driver.empty() ? "(none installed)" : request.driver,
                  config.cpus > 0 ? std::to_string(config.cpus) : "no limit",
                  config.memory_mb > 0 ? fmt::format("{} MB", config.memory_mb) : "no limit",
                  config.nodes.empty() ? std::max(1, request.nodes) : static_cast<int>(config.nodes.size()));
  if (!config.kubernetes_enabled) return settings + fmt::format("base image: {}\n", config.base_image);
  auto plan = MK_TRY(plan_of(config));
  if (!request.preload) plan.preload = {};
  return settings + fmt::format("kubernetes version: {}\n", config.kubernetes.version) +
         mirror::format_plan(plan);
}

} // namespace mk::cluster
