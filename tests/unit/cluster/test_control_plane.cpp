// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/control_plane.hpp"

#include <catch2/catch.hpp>

using namespace mk;
using cluster::Completion;

TEST_CASE("the node's marker decides whether its control plane was completed", "[cluster]") {
  // the marker: completed, whatever the profile's age
  CHECK(cluster::control_plane_completion(2, true, false) == Completion::completed);
  CHECK(cluster::control_plane_completion(1, true, true) == Completion::completed);
  // written by an mk that writes the marker: its absence proves init never completed
  CHECK(cluster::control_plane_completion(2, false, true) == Completion::never);
  // an older profile: kubeadm's state alone proves nothing, the API server decides; without it, never
  CHECK(cluster::control_plane_completion(1, false, true) == Completion::unknown);
  CHECK(cluster::control_plane_completion(1, false, false) == Completion::never);
}
