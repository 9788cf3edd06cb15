// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/cache.hpp"

#include "cmd/app.hpp"
#include "mk/k8s/version.hpp"
#include "mk/ui/transfers.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::cmd {

Result<int> run_cache_list(App& app) {
  auto entries = cluster::list_cache(app.env().paths);
  if (entries.empty()) {
    fmt::print("The cache is empty. Fill it with: mk start --download-only --kubernetes-version=<version>\n");
    return 0;
  }
  size_t width = 4;
  for (const auto& e : entries)
    width = std::max(width, e.name.size());
  fmt::print("{:<8}  {:<10}  {:<{}}  {}\n", "VERSION", "KIND", "NAME", width, "SIZE");
  for (const auto& e : entries)
    fmt::print("{:<8}  {:<10}  {:<{}}  {}\n", e.version, e.kind, e.name, width,
               e.bytes ? ui::Transfers::bytes(e.bytes) : "-");
  return 0;
}

static Result<driver::Driver*> available_driver(App& app) {
  auto* driver = MK_TRY(app.driver_for_profile(app.invocation().profile));
  MK_TRY(driver->check_available());
  return driver;
}

Result<int> run_cache_export(App& app) {
  auto version = MK_TRY(k8s::parse_version(app.invocation().start.kubernetes_version)).to_string();
  auto* driver = MK_TRY(available_driver(app));
  app.env().ui.step_started(
      fmt::format("Exporting the cache of Kubernetes {} to {}", version, app.invocation().file));
  auto exported = cluster::export_cache(app.env(), *driver, version, app.invocation().file);
  app.env().ui.step_finished(exported.has_value());
  if (!exported) return fail(std::move(exported).error());
  return 0;
}

Result<int> run_cache_import(App& app) {
  // an archive that is not a valid export is refused before anything else happens
  auto manifest = MK_TRY(cluster::read_export_manifest(app.invocation().file));
  auto* driver = MK_TRY(available_driver(app));
  app.env().ui.step_started(
      fmt::format("Importing Kubernetes {} from {}", manifest.version, app.invocation().file));
  auto imported = cluster::import_cache(app.env(), *driver, app.invocation().file);
  app.env().ui.step_finished(imported.has_value());
  if (!imported) return fail(std::move(imported).error());
  fmt::print("Kubernetes {} is cached: mk start --kubernetes-version={} needs no network.\n", *imported,
             *imported);
  return 0;
}

} // namespace mk::cmd
