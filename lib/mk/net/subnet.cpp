// SPDX-License-Identifier: Apache-2.0
#include "mk/net/subnet.hpp"

#include <algorithm>

namespace mk::net {

std::vector<Cidr> subnet_candidates(const SubnetSearch& search) {
  std::vector<Cidr> candidates;
  auto block = uint32_t{1} << (32 - search.first.prefix);
  for (int i = 0; i < search.tries; ++i) {
    auto value = uint64_t{search.first.network.value} + uint64_t(i) * uint64_t(search.step) * block;
    if (value > 0xFFFFFFFFu) break;
    Cidr candidate{{static_cast<uint32_t>(value)}, search.first.prefix};
    // stay inside the private range the search started in
    if (search.first.network.is_private() && !candidate.network.is_private()) break;
    candidates.push_back(candidate);
  }
  return candidates;
}

std::vector<Cidr> free_subnets(const std::vector<Cidr>& taken, const std::vector<Ipv4>& host_addresses,
                               const SubnetSearch& search) {
  std::vector<Cidr> free;
  for (const auto& candidate : subnet_candidates(search)) {
    bool busy =
        std::any_of(taken.begin(), taken.end(), [&](const Cidr& t) { return t.overlaps(candidate); }) ||
        std::any_of(host_addresses.begin(), host_addresses.end(),
                    [&](const Ipv4& a) { return candidate.contains(a); });
    if (!busy) free.push_back(candidate);
  }
  return free;
}

std::optional<Cidr> choose_free_subnet(const std::vector<Cidr>& taken,
                                       const std::vector<Ipv4>& host_addresses, const SubnetSearch& search) {
  auto free = free_subnets(taken, host_addresses, search);
  if (free.empty()) return std::nullopt;
  return free.front();
}

} // namespace mk::net
