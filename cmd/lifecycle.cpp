// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/lifecycle.hpp"

#include "cmd/app.hpp"
#include "drivers/registry.hpp"
#include "mk/cluster/status.hpp"

#include <fmt/format.h>

namespace mk::cmd {

Result<int> run_stop(App& app) {
  const auto& profile = app.invocation().profile;
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto stopped = MK_TRY(cluster::stop(app.env(), *driver, profile));
  fmt::print("{} node{} stopped.\n", stopped, stopped == 1 ? "" : "s");
  return 0;
}

static Result<bool> delete_profile(App& app, const std::string& profile) {
  if (!MK_TRY(app.env().store.load(profile))) return false;
  auto* driver = MK_TRY(app.driver_for_profile(profile));
  return cluster::remove(app.env(), *driver, profile);
}

Result<int> run_delete(App& app) {
  if (app.invocation().purge && !app.invocation().all)
    return fail(ErrorCode::usage, "--purge removes the whole MK_HOME and goes with --all only");
  if (app.invocation().all) {
    for (const auto& name : app.env().store.names()) {
      MK_TRY(delete_profile(app, name));
      fmt::print("Deleted profile \"{}\".\n", name);
    }
    for (const auto& info : drivers::builtin_drivers()) {
      if (!info.installed()) continue;
      auto* driver = app.driver_named(info.name);
      if (driver->check_available()) MK_TRY(driver->remove_everything_created());
    }
    fmt::print("Deleted every mk cluster of {}.\n", app.env().paths.home().string());
    if (app.invocation().purge) {
      MK_TRY(cluster::purge_home(app.env().paths));
      fmt::print("Removed {}.\n", app.env().paths.home().string());
    }
    return 0;
  }
  const auto& profile = app.invocation().profile;
  if (!MK_TRY(delete_profile(app, profile))) {
    fmt::print("Profile \"{}\" does not exist; nothing to delete.\n", profile);
    return 0;
  }
  fmt::print("Deleted profile \"{}\".\n", profile);
  return 0;
}

} // namespace mk::cmd
