// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/mirror/plan.hpp"

#include <functional>
#include <string>

namespace mk::mirror {

// The mirror flags of `mk start`, as typed.
struct MirrorFlags {
  std::string image_mirror_country; // "cn", ...
  std::string image_repository;     // explicit, "auto", or empty
  std::string binary_mirror;
  std::string preload_mirror;
  std::string base_image;
  std::string vm_image{}; // --vm-image: a URL or a host path
  bool vm = false;        // the nodes are VMs: the node image is a VM node image, not a container image
};

// Whether an image repository answers (a registry API probe with a short timeout).
using Probe = std::function<bool(std::string_view repository)>;

// The sources a new cluster uses, and what to tell the user about the choice.
struct Selection {
  Sources sources;
  std::string country;               // the mirror country in effect, or empty
  std::vector<std::string> notes;    // "Using image repository ..."
  std::vector<std::string> warnings; // "None of the repositories for cn answered; using ... anyway"
};

// Picks the image repository, binary base, preload base and node image from the flags:
// - an explicit --image-repository is used as given;
// - --image-mirror-country picks the first of the country's repositories that `probe` finds reachable (or,
// when
//   none answers, the first one, with a warning); without `probe` (--dry-run) the first one, untested;
// - --image-repository=auto without a country tries the upstream registries, then every country's
// repositories,
//   and fails (network) when none answers;
// - the binary and preload bases follow --binary-mirror / --preload-mirror, else the country of the chosen
//   repository, else upstream; the node image follows --base-image, else the default kicbase from that
//   country's (or the chosen) repository; for VM nodes, --vm-image, else mk's VM node image from the
//   country's location or the release location.
// usage error for an unknown country.
Result<Selection> select_sources(const MirrorFlags& flags, const Probe& probe);

// The upstream repository probed for --image-repository=auto.
inline constexpr const char* k_upstream_repository = "registry.k8s.io";

// The mirror country whose repositories include `repository` ("cn"), or empty.
std::string country_of_repository(std::string_view repository);
// Whether `repository` keeps no sub-paths (it is a flat-named country repository).
bool flat_repository(std::string_view repository);

} // namespace mk::mirror
