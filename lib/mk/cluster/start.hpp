// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/cluster/start_request.hpp"
#include "mk/driver/driver.hpp"

namespace mk::cluster {

// `mk start`: creates the profile's cluster, or starts/repairs an existing one, step by step. A failure removes
// exactly what this run created (an existing cluster is never deleted) and is returned.
Status start(Env& env, driver::Driver& driver, const StartRequest& request);

} // namespace mk::cluster
