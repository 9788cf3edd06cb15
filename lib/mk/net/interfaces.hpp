// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/net/ipv4.hpp"

#include <vector>

namespace mk::net {

// The IPv4 networks of this host's interfaces (address + prefix, host bits cleared).
std::vector<Cidr> host_networks();

} // namespace mk::net
