// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubectl.hpp"

#include "mk/cluster/binaries.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/status.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::cluster {

Result<std::vector<std::string>> kubectl_command(Env& env, std::string_view profile,
                                                 const std::vector<std::string>& args) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  if (!config->kubernetes_enabled)
    return fail(ErrorCode::usage, fmt::format("profile {} runs without Kubernetes", profile));
  auto plan = MK_TRY(plan_of(*config));
  const auto& file = *std::find_if(plan.binaries.begin(), plan.binaries.end(),
                                   [](const auto& b) { return b.name == "kubectl"; });
  auto kubectl = MK_TRY(ensure_binary(file, env.paths.binaries_cache(config->kubernetes.version)));
  std::vector<std::string> argv = {kubectl.string(), "--context", std::string(profile)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

} // namespace mk::cluster
