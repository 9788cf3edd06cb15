// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"
#include "mk/cluster/cache.hpp"
#include "mk/cluster/image_cache.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/new_config.hpp"
#include "mk/cluster/preload.hpp"
#include "mk/cluster/sources.hpp"
#include "mk/cluster/start.hpp"
#include "mk/registry/pull.hpp"
#include "mk/registry/reference.hpp"

#include <fmt/format.h>
#include <future>

namespace mk::cluster {

namespace {
// Archives every image of `images` into the cache (skipping cached ones), pulled straight from the
// registries.
Status archive_images(Env& env, const config::ClusterConfig& config, const std::vector<std::string>& images) {
  registry::PullOptions options;
  options.insecure_registries = config.kubernetes.insecure_registries;
  options.registry_mirrors = config.kubernetes.registry_mirrors;
  options.blob_cache = env.paths.cache_dir() / "blobs";
  for (const auto& image : images) {
    if (cached_image_archive(env.paths, image)) continue;
    auto reference = MK_TRY(registry::parse_reference(image));
    options.progress = [&](std::string_view line) { env.ui.step_progress(std::string(line)); };
    auto pulled = registry::pull_to_archive(reference, image_archive_path(env.paths, image), options);
    if (!pulled) return pulled;
  }
  return {};
}
} // namespace

Status download_only(Env& env, driver::Driver& driver, const StartRequest& request) {
  auto config = MK_TRY(config_for_request(env, request, driver.name(), true));
  auto plan = MK_TRY(plan_of(config));
  auto version = config.kubernetes.version;
  env.ui.step_started(fmt::format("Downloading the node image and Kubernetes {}", version));
  ui::Transfers transfers(env.ui);
  auto image = std::async(std::launch::async, [&] {
    return driver.ensure_image(plan.base_image,
                               [&](std::string_view line) { env.ui.info(std::string(line)); });
  });
  bool preload = false;
  auto kubernetes = [&]() -> Status {
    if (request.preload && find_preload(env.paths, plan.preload) != PreloadAvailability::absent) {
      MK_TRY(fetch_preload(env.paths, plan.preload, env.ui, transfers));
      preload = true;
      return {};
    }
    env.ui.info(
        fmt::format("No preload for Kubernetes {}: caching the binaries and image archives", version));
    MK_TRY(ensure_binaries(plan.binaries, env.paths.binaries_cache(version), transfers));
    auto control_plane = plan.images;
    // a missing CoreDNS image does not stop a cluster from starting, so it does not stop the download either
    std::erase(control_plane, plan.control_plane.coredns);
    MK_TRY(archive_images(env, config, control_plane));
    if (auto dns = archive_images(env, config, {plan.control_plane.coredns}); !dns)
      env.ui.warning(fmt::format("cannot cache the CoreDNS image: {}", dns.error().summary()));
    return {};
  }();
  // an addon works without its image cached (the node pulls it), so a failure is a warning; a preload holds
  // the default addons' images already
  if (kubernetes) {
    auto sources = addon_image_sources(config);
    for (const auto& addon : MK_TRY(enabled_addons(config))) {
      if (preload && addon.enabled_by_default) continue;
      for (const auto& [role, upstream] : addon.images) {
        auto reference = addons::image_reference(role, upstream, sources);
        if (auto cached = archive_images(env, config, {reference}); !cached)
          env.ui.warning(fmt::format("cannot cache image {} of addon {}: {}", reference, addon.name,
                                     cached.error().summary()));
      }
    }
  }
  auto image_result = image.get();
  env.ui.step_finished(kubernetes.has_value() && image_result.has_value());
  if (!image_result) return image_result;
  if (!kubernetes) return kubernetes;
  return record_cached(env.paths, version, driver, plan.base_image,
                       plan_cache_files(env.paths, plan, version, preload));
}

} // namespace mk::cluster
