// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cmd/invocation.hpp"
#include "mk/cluster/env.hpp"
#include "mk/core/log.hpp"
#include "mk/driver/driver.hpp"
#include "mk/exec/local_runner.hpp"

#include <map>
#include <memory>

namespace mk::cmd {

// What the command implementations share: the environment and the drivers made so far.
class App {
public:
  explicit App(const Invocation& invocation);
  cluster::Env& env() { return m_env; }
  const core::Log& log() const { return m_log; }
  const Invocation& invocation() const { return m_invocation; }
  // The driver for a command on `profile`: --driver if given, else the profile's, else auto-detected.
  Result<driver::Driver*> driver_for_profile(std::string_view profile, std::string_view requested = {});
  // The driver of the profile the command acts on (-p); not_found (exit 85) when that profile does not exist.
  Result<driver::Driver*> existing_profile_driver();
  // The driver named `name`, or nullptr when it is not built in.
  driver::Driver* driver_named(std::string_view name);

private:
  const Invocation& m_invocation;
  core::Log m_log;
  exec::LocalRunner m_host;
  std::unique_ptr<ui::Reporter> m_reporter;
  cluster::Env m_env;
  std::map<std::string, std::unique_ptr<driver::Driver>, std::less<>> m_drivers;
};

// One function per command; each returns the process exit code or an error for main to print.
Result<int> run_start(App& app);
Result<int> run_stop(App& app);
Result<int> run_delete(App& app);
Result<int> run_status(App& app);
Result<int> run_ssh(App& app);
Result<int> run_kubectl(App& app);
Result<int> run_node_list(App& app);
Result<int> run_node_add(App& app);
Result<int> run_node_delete(App& app);
Result<int> run_node_stop(App& app);
Result<int> run_node_start(App& app);
Result<int> run_pause(App& app);
Result<int> run_unpause(App& app);
Result<int> run_ip(App& app);
Result<int> run_update_context(App& app);
Result<int> run_profile_list(App& app);
Result<int> run_profile_default(App& app);
Result<int> run_config_set(App& app);
Result<int> run_config_get(App& app);
Result<int> run_config_unset(App& app);
Result<int> run_config_view(App& app);
// The `mk start` flags with mk config's defaults filled in where the command line left them empty (for a new
// cluster only: an existing profile keeps its own choices).
Result<cluster::StartFlags> flags_with_defaults(App& app, cluster::StartFlags flags);
Result<int> run_addons_list(App& app);
Result<int> run_addons_enable(App& app);
Result<int> run_addons_disable(App& app);
Result<int> run_addons_images(App& app);
Result<int> run_dashboard(App& app);
Result<int> run_image_load(App& app);
Result<int> run_image_ls(App& app);
Result<int> run_image_rm(App& app);
Result<int> run_service(App& app);
Result<int> run_service_list(App& app);
Result<int> run_logs(App& app);
Result<int> run_cp(App& app);
Result<int> run_version(App& app);
Result<int> run_cache_list(App& app);
Result<int> run_cache_export(App& app);
Result<int> run_cache_import(App& app);

} // namespace mk::cmd
