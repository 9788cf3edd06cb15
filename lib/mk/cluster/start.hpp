// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/driver/driver.hpp"

namespace mk::cluster {

// `mk start`: creates the profile's cluster, or starts/repairs an existing one, step by step. A failure
// removes exactly what this run created (an existing cluster is never deleted) and is returned.
Status start(Env& env, driver::Driver& driver, const StartRequest& request);

// `mk start --dry-run`: every image reference and URL a start with `request` may fetch, one "<kind>: <value>"
// line each (the preload and, as the fallback, the binaries and images). Touches neither the engine nor the
// network: a mirror country's first repository is assumed.
Result<std::string> dry_run(Env& env, const StartRequest& request);

// `mk start --download-only`: fills the cache with everything a start of `request`'s version needs (node
// image, preload, or binaries and image archives) without creating a node or a profile.
Status download_only(Env& env, driver::Driver& driver, const StartRequest& request);

} // namespace mk::cluster
