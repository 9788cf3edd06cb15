// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/sources.hpp"

#include "mk/registry/pull.hpp"

namespace mk::cluster {

using namespace std::chrono_literals;

Result<mirror::Selection> select_request_sources(const StartRequest& request, bool probe, bool vm) {
  mirror::MirrorFlags flags{request.image_mirror_country,
                            request.image_repository,
                            request.binary_mirror,
                            request.preload_mirror,
                            request.base_image,
                            request.vm_image,
                            vm};
  mirror::Probe check;
  if (probe)
    check = [&](std::string_view repository) {
      return registry::registry_reachable(repository, 3s, request.insecure_registries);
    };
  return mirror::select_sources(flags, check);
}

} // namespace mk::cluster
