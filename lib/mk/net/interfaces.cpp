// SPDX-License-Identifier: Apache-2.0
#include "mk/net/interfaces.hpp"

#include <arpa/inet.h>
#include <bit>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace mk::net {

std::vector<Cidr> host_networks() {
  std::vector<Cidr> networks;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return networks;
  for (auto* entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET || !entry->ifa_netmask) continue;
    auto address = ntohl(reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr.s_addr);
    auto mask = ntohl(reinterpret_cast<const sockaddr_in*>(entry->ifa_netmask)->sin_addr.s_addr);
    networks.push_back(Cidr{{address & mask}, std::popcount(mask)});
  }
  ::freeifaddrs(list);
  return networks;
}

} // namespace mk::net
