// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/strings.hpp"

#include <atomic>
#include <fmt/format.h>
#include <future>
#include <mutex>
#include <set>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {
constexpr int k_parallel_pulls = 3;

class PullImages final : public Step {
public:
  std::string title(const StartContext&) const override { return "Pulling control-plane images"; }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    auto images = cluster_images(context.config, context.version);
    auto listed = MK_TRY(exec::output_of(node, {"ctr", "-n", "k8s.io", "images", "ls", "-q"}, ErrorCode::node_failed));
    auto present_words = core::words(listed);
    std::set<std::string> present(present_words.begin(), present_words.end());
    std::vector<std::string> missing;
    for (const auto& image : k8s::image_list(images))
      if (!present.contains(image)) missing.push_back(image);
    if (missing.empty()) return {};

    std::atomic<size_t> next{0};
    std::atomic<int> done{0};
    std::mutex mutex;
    std::vector<std::pair<std::string, exec::RunResult>> failures;
    auto worker = [&] {
      for (size_t i = next++; i < missing.size(); i = next++) {
        const auto& image = missing[i];
        auto runner = context.driver.node_runner(context.primary().name); // one per thread
        auto result = runner->run({{"ctr", "-n", "k8s.io", "images", "pull", "--hosts-dir", "/etc/containerd/certs.d", image},
                                   {}, {}, 15min, {}});
        std::lock_guard lock(mutex);
        if (!result || !result->ok()) {
          exec::RunResult failed = result ? *result : exec::RunResult{{"ctr", "images", "pull", image}, -1, "", result.error().summary()};
          failures.emplace_back(image, failed);
        }
        context.env.ui.step_progress(fmt::format("{}/{} pulled", ++done, missing.size()));
      }
    };
    std::vector<std::future<void>> workers;
    for (int i = 0; i < k_parallel_pulls; ++i) workers.push_back(std::async(std::launch::async, worker));
    for (auto& w : workers) w.get();

    for (const auto& [image, result] : failures) {
      if (image == images.coredns) {
        // an add-on, not a control-plane component: the cluster works without it (no cluster DNS) and nothing waits
        context.env.ui.warning(fmt::format("cannot pull the CoreDNS image {}: cluster DNS stays unavailable until it can be "
                                           "pulled ({})", image, core::last_lines(core::trim(result.err), 1)));
        continue;
      }
      return fail(exec::command_error(result, fmt::format("cannot pull the control-plane image {}", image), ErrorCode::network)
                      .with_advice("check --image-repository (and --insecure-registry for a plain-HTTP registry)"));
    }
    return {};
  }
};
} // namespace

std::unique_ptr<Step> pull_images() { return std::make_unique<PullImages>(); }

} // namespace mk::cluster::steps
