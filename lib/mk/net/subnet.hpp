// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/net/ipv4.hpp"

#include <optional>
#include <vector>

namespace mk::net {

// How a cluster network's subnet is searched: /24 networks from `first`, stepping the third octet by `step`
// (192.168.49.0, .58.0, .67.0, ...), at most `tries` candidates. These are minikube's values.
struct SubnetSearch {
  Cidr first{{0xC0A83100}, 24}; // 192.168.49.0/24
  int step = 9;
  int tries = 20;
};

// The first candidate of `search` that overlaps none of `taken` (networks of the engine and of the host's
// interfaces) and contains none of `host_addresses`; nullopt when every candidate is taken.
std::optional<Cidr> choose_free_subnet(const std::vector<Cidr>& taken,
                                       const std::vector<Ipv4>& host_addresses,
                                       const SubnetSearch& search = {});

// Every candidate of `search` that overlaps none of `taken`, in order (the first is choose_free_subnet's
// answer; the rest are for retrying when the engine still reports an overlap).
std::vector<Cidr> free_subnets(const std::vector<Cidr>& taken, const std::vector<Ipv4>& host_addresses,
                               const SubnetSearch& search = {});

// The candidates of `search`, in order.
std::vector<Cidr> subnet_candidates(const SubnetSearch& search = {});

} // namespace mk::net
