// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"
#include "mk/cluster/cache.hpp"
#include "mk/cluster/preload.hpp"
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>
#include <future>

namespace mk::cluster::steps {

namespace {
// For a new node: the node image and either the preload (images, binaries and containerd's store in one
// tarball) or, when the version has none, the binaries; all at the same time, and beside them the shared
// certificate authorities when this MK_HOME has none yet.
class FetchArtifacts final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Downloading the node image and Kubernetes {}", context.version.to_string());
  }

  Status run(StartContext& context) override {
    auto& ui = context.env.ui;
    const auto& paths = context.env.paths;
    ui::Transfers transfers(ui);
    auto image = std::async(std::launch::async, [&] {
      return context.driver.ensure_image(context.config.base_image,
                                         [&](std::string_view line) { ui.info(std::string(line)); });
    });
    auto kubernetes = std::async(std::launch::async, [&]() -> Status {
      auto directory = paths.binaries_cache(context.version.to_string());
      // the cache first: with the binaries cached (and no cached preload), no preload is looked for
      auto availability = PreloadAvailability::absent;
      if (!context.request.preload)
        availability = PreloadAvailability::absent;
      else if (find_preload(paths, context.plan.preload, false) != PreloadAvailability::cached &&
               binaries_cached(context.plan.binaries, directory))
        availability = PreloadAvailability::absent;
      else
        availability = find_preload(paths, context.plan.preload, true);
      switch (availability) {
      case PreloadAvailability::cached:
      case PreloadAvailability::remote:
        context.preload = MK_TRY(fetch_preload(paths, context.plan.preload, ui, transfers));
        return {};
      case PreloadAvailability::absent:
        break;
      }
      ui.info(fmt::format("Without a preload for Kubernetes {}: binaries and images one by one",
                          context.version.to_string()));
      MK_TRY(ensure_binaries(context.plan.binaries, directory, transfers));
      context.host_binaries = directory;
      return {};
    });
    // needs nothing downloaded: the new keys are made while the downloads run
    auto authorities = std::async(std::launch::async, [&] { return ensure_certificate_authorities(paths); });
    auto image_result = image.get();
    auto kubernetes_result = kubernetes.get();
    auto authorities_result = authorities.get();
    if (!image_result) return image_result;
    if (!kubernetes_result) return kubernetes_result;
    if (!authorities_result) return authorities_result;
    auto version = context.version.to_string();
    return record_cached(paths, version, context.driver, context.config.base_image,
                         plan_cache_files(paths, context.plan, version, !context.preload.empty()));
  }
};
} // namespace

std::unique_ptr<Step> fetch_artifacts() {
  return std::make_unique<FetchArtifacts>();
}

} // namespace mk::cluster::steps
