// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/image_cache.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/strings.hpp"

#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <future>
#include <mutex>
#include <set>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr int k_parallel_pulls = 3;

// The images in the node's containerd (CRI namespace).
Result<std::set<std::string>> images_in_node(exec::Runner& node) {
  auto listed =
      MK_TRY(exec::output_of(node, {"ctr", "-n", "k8s.io", "images", "ls", "-q"}, ErrorCode::node_failed));
  auto words = core::words(listed);
  return std::set<std::string>(words.begin(), words.end());
}

// Makes each image present: under its upstream name from a preload (tagged), from an archive in the cache
// (imported, no network), else pulled by the node's containerd through the configured registry hosts.
class PullImages final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return context.target_is_primary()
               ? "Loading control-plane images"
               : fmt::format("Loading images into node {}", context.target_node().name);
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    // a worker runs no control plane: the sandbox (pause) and kube-proxy images are all it needs
    auto wanted = context.plan.images;
    auto upstream = k8s::image_list(k8s::control_plane_images(context.version, ""));
    if (!context.target_is_primary()) {
      std::vector<std::string> kept, kept_upstream;
      const auto& own = context.plan.control_plane;
      for (size_t i = 0; i < wanted.size(); ++i)
        if (wanted[i] == own.pause || wanted[i] == own.proxy) {
          kept.push_back(wanted[i]);
          kept_upstream.push_back(i < upstream.size() ? upstream[i] : std::string());
        }
      wanted = std::move(kept);
      upstream = std::move(kept_upstream);
    }
    // the survey's list is current unless containerd was restarted since (its images stay)
    auto present = context.survey.images ? *context.survey.images : MK_TRY(images_in_node(node));
    // a preload holds the images under their upstream names: give them the names this cluster uses
    exec::Command tags{
        {"sh", "-c", "while [ $# -gt 1 ]; do ctr -n k8s.io images tag \"$1\" \"$2\" || exit; shift 2; done",
         "mk-tag"},
        {},
        {},
        60s,
        {}};
    for (size_t i = 0; i < wanted.size() && i < upstream.size(); ++i) {
      if (present.contains(wanted[i]) || upstream[i].empty() || !present.contains(upstream[i])) continue;
      tags.argv.insert(tags.argv.end(), {upstream[i], wanted[i]});
      present.insert(wanted[i]);
    }
    if (tags.argv.size() > 4)
      MK_TRY(exec::run_checked(node, tags, ErrorCode::node_failed)); // one exec for all
    std::vector<std::string> missing;
    for (const auto& image : wanted)
      if (!present.contains(image)) missing.push_back(image);
    // the enabled addons' images that `--download-only` cached are imported too (else the kubelet pulls
    // them)
    std::set<std::string> addon_images;
    if (context.target_is_primary())
      for (const auto& image : context.plan.addon_images)
        if (!present.contains(image) && cached_image_archive(context.env.paths, image)) {
          missing.push_back(image);
          addon_images.insert(image);
        }
    if (missing.empty()) return {};

    std::atomic<size_t> next{0};
    std::atomic<int> done{0};
    std::mutex mutex;
    std::vector<std::pair<std::string, exec::RunResult>> failures;
    auto worker = [&] {
      auto runner = context.driver.node_runner(context.target_node().name);
      for (size_t i = next++; i < missing.size(); i = next++) {
        const auto& image = missing[i];
        auto archive = cached_image_archive(context.env.paths, image);
        exec::Command command{
            {"ctr", "-n", "k8s.io", "images", "pull", "--hosts-dir", "/etc/containerd/certs.d", image},
            {},
            {},
            15min,
            {}};
        if (archive) command = {{"ctr", "-n", "k8s.io", "images", "import", "-"}, {}, *archive, 15min, {}};
        auto result = runner->run(command);
        std::lock_guard lock(mutex);
        if (!result || !result->ok())
          failures.emplace_back(
              image, result ? *result : exec::RunResult{command.argv, -1, "", result.error().summary()});
        context.env.ui.step_progress(fmt::format("{}/{} images", ++done, missing.size()));
      }
    };
    std::vector<std::future<void>> workers;
    for (int i = 0; i < k_parallel_pulls; ++i)
      workers.push_back(std::async(std::launch::async, worker));
    for (auto& w : workers)
      w.get();

    for (const auto& [image, result] : failures) {
      if (addon_images.contains(image)) {
        context.env.ui.warning(fmt::format("cannot import the cached addon image {} ({})", image,
                                           core::last_lines(core::trim(result.err), 1)));
        continue;
      }
      if (image == context.plan.control_plane.coredns) {
        // an add-on, not a control-plane component: the cluster works without it (no cluster DNS) and nothing
        // waits
        context.env.ui.warning(
            fmt::format("cannot pull the CoreDNS image {}: cluster DNS stays unavailable until it can be "
                        "pulled ({})",
                        image, core::last_lines(core::trim(result.err), 1)));
        continue;
      }
      return fail(
          exec::command_error(result, fmt::format("cannot pull the control-plane image {}", image),
                              ErrorCode::network)
              .with_advice("check --image-repository (and --insecure-registry for a plain-HTTP registry)"));
    }
    return {};
  }
};
} // namespace

std::unique_ptr<Step> pull_images() {
  return std::make_unique<PullImages>();
}

} // namespace mk::cluster::steps
