// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubectl.hpp"

#include "mk/cluster/binaries.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/cluster/status.hpp"

#include <fmt/format.h>

namespace mk::cluster {

Result<std::vector<std::string>> kubectl_command(Env& env, std::string_view profile, const std::vector<std::string>& args) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  if (!config->kubernetes_enabled)
    return fail(ErrorCode::usage, fmt::format("profile {} runs without Kubernetes", profile));
  auto version = MK_TRY(k8s::parse_version(config->kubernetes.version));
  std::string base = config->kubernetes.binary_mirror.empty() ? k_default_binary_base : config->kubernetes.binary_mirror;
  auto kubectl = MK_TRY(ensure_binary(base, version, "kubectl", env.paths.binaries_cache(version.to_string())));
  std::vector<std::string> argv = {kubectl.string(), "--context", std::string(profile)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

} // namespace mk::cluster
