// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start.hpp"

#include "cmd/app.hpp"

#include <fmt/format.h>

namespace mk::cmd {

Result<int> run_start(App& app) {
  auto flags = app.invocation().start;
  flags.profile = app.invocation().profile;
  flags = MK_TRY(flags_with_defaults(app, std::move(flags)));
  auto request = MK_TRY(cluster::validate_start_flags(flags, cluster::detect_host_facts()));
  if (request.dry_run) {
    // nothing is contacted: not the engine, not the network (the driver is chosen from what is installed)
    if (auto* driver = app.driver_for_profile(request.profile, request.driver).value_or(nullptr))
      request.driver = driver->name();
    else if (!request.driver.empty())
      MK_TRY(app.driver_for_profile(request.profile, request.driver)); // an unknown --driver is an error
    fmt::print("{}", MK_TRY(cluster::dry_run(app.env(), request)));
    return 0;
  }
  auto* driver = MK_TRY(app.driver_for_profile(request.profile, request.driver));
  MK_TRY(driver->check_available());
  if (request.download_only) {
    MK_TRY(cluster::download_only(app.env(), *driver, request));
    fmt::print("Download complete: see `mk cache list`; a start of this version uses the cache first.\n");
    return 0;
  }
  auto& ui = app.env().ui;
  ui.info(fmt::format("mk {} on the {} driver, profile \"{}\"", "start", driver->name(), request.profile));
  MK_TRY(cluster::start(app.env(), *driver, request));
  auto config = MK_TRY(app.env().store.load(request.profile));
  if (config && !config->kubernetes_enabled && config->nodes.size() > 1)
    fmt::print("Done! {} nodes of {} are running without Kubernetes; log in with: mk ssh -p {} [-n NODE]\n",
               config->nodes.size(), request.profile, request.profile);
  else if (config && !config->kubernetes_enabled)
    fmt::print("Done! Node {} is running without Kubernetes; log in with: mk ssh -p {}\n", request.profile,
               request.profile);
  else if (config)
    fmt::print(
        "Done! kubectl is now configured to use \"{}\" (Kubernetes {}); try: mk kubectl -p {} -- get nodes\n",
        request.profile, config->kubernetes.version, request.profile);
  return 0;
}

} // namespace mk::cmd
