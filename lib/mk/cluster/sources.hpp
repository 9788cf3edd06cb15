// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/start_request.hpp"
#include "mk/mirror/select.hpp"

namespace mk::cluster {

// The sources a new cluster started with `request` uses. With `probe`, candidate image repositories are
// checked for reachability (a registry API request with a short timeout); without (--dry-run), nothing is
// contacted.
// `vm`: the driver's nodes are VMs (their node image is a VM node image).
Result<mirror::Selection> select_request_sources(const StartRequest& request, bool probe, bool vm);

} // namespace mk::cluster
