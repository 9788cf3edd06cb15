// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"

#include <fmt/format.h>
#include <future>
#include <map>
#include <mutex>

namespace mk::cluster::steps {

namespace {
class DownloadKubernetes final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Downloading Kubernetes {} binaries", context.version.to_string());
  }

  Status run(StartContext& context) override {
    const auto& mirror = context.config.kubernetes.binary_mirror;
    std::string base = mirror.empty() ? k_default_binary_base : mirror;
    auto directory = context.env.paths.binaries_cache(context.version.to_string());
    std::mutex mutex;
    std::map<std::string, std::string> shown;
    auto report = [&](const std::string& name, const net::DownloadProgress& p) {
      std::lock_guard lock(mutex);
      shown[name] = p.total && *p.total > 0 ? fmt::format("{} {}%", name, p.received * 100 / *p.total)
                                            : fmt::format("{} {} MB", name, p.received >> 20);
      std::string line;
      for (const auto& [n, text] : shown) line += (line.empty() ? "" : ", ") + text;
      context.env.ui.step_progress(line);
    };
    std::vector<std::future<Result<std::filesystem::path>>> downloads;
    for (const char* name : k_node_binaries)
      downloads.push_back(std::async(std::launch::async, [&, name] {
        return ensure_binary(base, context.version, name, directory,
                             [&, name](const net::DownloadProgress& p) { report(name, p); });
      }));
    std::optional<Error> first_error;
    for (auto& download : downloads)
      if (auto result = download.get(); !result && !first_error) first_error = std::move(result).error();
    if (first_error) return fail(std::move(*first_error));
    context.host_binaries = directory;
    return {};
  }
};
} // namespace

std::unique_ptr<Step> download_kubernetes() { return std::make_unique<DownloadKubernetes>(); }

} // namespace mk::cluster::steps
