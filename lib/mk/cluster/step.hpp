// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/cluster/node_survey.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/config/cluster.hpp"
#include "mk/driver/driver.hpp"
#include "mk/k8s/version.hpp"
#include "mk/kube/node_files.hpp"
#include "mk/mirror/plan.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mk::cluster {

// Undo actions for what one `mk start` created, run newest first when the start fails, so that a failed start
// leaves exactly what was there before it.
class Rollback {
public:
  void push(std::string what, std::function<Status()> undo) {
    m_actions.push_back({std::move(what), std::move(undo)});
  }
  // Runs every action (newest first) shielded from interrupts (a second Ctrl-C does not stop it; a third
  // aborts, naming what is left); failures are reported as warnings and do not stop the others. Never throws.
  void run(ui::Reporter& ui);
  void clear() { m_actions.clear(); }
  // Takes over `other`'s actions as the newest ones (they are undone before this rollback's own).
  void absorb(Rollback&& other) {
    for (auto& action : other.m_actions)
      m_actions.push_back(std::move(action));
    other.m_actions.clear();
  }
  bool empty() const { return m_actions.empty(); }
  // What the pending actions would undo, newest first ("remove node mk, remove network mk").
  std::string describe() const;

private:
  struct Action {
    std::string what;
    std::function<Status()> undo;
  };
  std::vector<Action> m_actions;
};

// The state one `mk start` (or `mk node add|start`) run works on, shared by its steps. The cluster-wide
// steps work on the primary node; the per-node steps on `target`, and the node fields below are the target's
// (the run resets them before it moves on to the next node: see start.cpp).
struct StartContext {
  Env& env;
  driver::Driver& driver;
  const StartRequest& request;
  config::ClusterConfig config{}; // the profile being created or started; steps save it as they go
  std::size_t target = 0;         // index in config.nodes of the node the per-node steps work on
  driver::State node_state = driver::State::nonexistent; // of the target node before this run
  std::unique_ptr<exec::Runner> node{};                  // commands in the target node, once it runs
  Rollback rollback{};
  k8s::Version version{};                // the cluster's Kubernetes version (when it has Kubernetes)
  mirror::Plan plan{};                   // what this cluster may fetch (when it has Kubernetes)
  std::filesystem::path host_binaries{}; // kubeadm, kubelet, kubectl on the host, once downloaded
  std::filesystem::path preload{};       // the preload tarball on the host, when one is used for a new node
  // when this run began: a node counts as Ready only in a status its kubelet sent since then
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  bool existed = false; // the profile existed before this run: its nodes are restarted, never recreated
  // a context working beside the main one on its own copy of the profile (a worker prepared on another
  // thread): save() writes nothing, the main context takes the node's record over when it collects the work
  bool defer_saves = false;
  // kubeadm init completed in the node before this run (or, for an older profile, probably did: then
  // confirm_control_plane is set and the start confirms it through the API server)
  bool control_plane_initialized = false;
  bool confirm_control_plane = false;
  kube::NodeFilesParams node_files{}; // filled by the runtime step, used by the steps after it
  // what the target node held once it booted (made by wait_for_boot, whose last check reads it); the steps
  // that write files keep it current, so later steps know what this run changed
  NodeSurvey survey{};

  config::NodeConfig& primary() { return config.nodes.front(); }
  config::NodeConfig& target_node() { return config.nodes.at(target); }
  const config::NodeConfig& target_node() const { return config.nodes.at(target); }
  bool target_is_primary() const { return target == 0; }
  // Moves the per-node steps on to node `index`, whose state before this run was `state`.
  void retarget(std::size_t index, driver::State state) {
    target = index;
    node_state = state;
    node.reset();
    node_files = {};
    survey = {};
  }
  Status save() { return defer_saves ? Status{} : env.store.save(config); }
};

// Runs the rollback when it goes out of scope, on every exit path (error, exception, interrupt), unless the
// work was committed.
class RollbackGuard {
public:
  RollbackGuard(Rollback& rollback, ui::Reporter& ui) : m_rollback(rollback), m_ui(ui) {}
  ~RollbackGuard() {
    if (!m_committed) m_rollback.run(m_ui);
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  void commit() {
    m_committed = true;
    m_rollback.clear();
  }

private:
  Rollback& m_rollback;
  ui::Reporter& m_ui;
  bool m_committed = false;
};

// One titled step of `mk start`.
class Step {
public:
  virtual ~Step() = default;
  virtual std::string title(const StartContext& context) const = 0;
  virtual Status run(StartContext& context) = 0;
};

// Runs `work` under a rollback of what it creates (undone on every way out: an error, an exception, an
// interrupt; kept when it succeeds); an interrupt is reported as one.
Status run_guarded(StartContext& context, const std::function<Status()>& work);

// The steps that bring the context's target node up (defined in start.cpp): created or started, booted,
// configured, and then the cluster (the primary) or its membership (a worker).
std::vector<std::unique_ptr<Step>> plan_node(const StartContext& context);
// A worker's steps split where it needs the control plane: up to its images (no control plane needed: they
// may run beside the control plane's bootstrap), then the join, its routes and the wait for Ready.
std::vector<std::unique_ptr<Step>> plan_worker_preparation(const StartContext& context);
std::vector<std::unique_ptr<Step>> plan_worker_join(const StartContext& context);

// Runs `steps` in order under the reporter; stops at the first failure and returns it. An exception thrown
// inside a step becomes an error naming the step; an interrupt stops the run before the next step.
Status run_steps(const std::vector<std::unique_ptr<Step>>& steps, StartContext& context);

} // namespace mk::cluster
