// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/control_plane.hpp"

#include <fmt/format.h>

namespace mk::cluster {

Completion control_plane_completion(int schema_version, bool marker, bool kubeadm_state) {
  if (marker) return Completion::completed;
  // an mk that writes the marker wrote this profile: without it, init never completed
  if (schema_version >= 2) return Completion::never;
  // kubeadm writes admin.conf long before init ends: only the API server can tell
  return kubeadm_state ? Completion::unknown : Completion::never;
}

std::string recreate_advice(std::string_view profile) {
  return fmt::format(
      "the cluster's data is kept; `mk start -p {0}` tries again, `mk delete -p {0} && mk start "
      "-p {0}` recreates the cluster (its workloads are lost)",
      profile);
}

} // namespace mk::cluster
