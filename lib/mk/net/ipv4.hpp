// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mk::net {

// An IPv4 address in host byte order.
struct Ipv4 {
  uint32_t value = 0;
  auto operator<=>(const Ipv4&) const = default;
  std::string to_string() const;
  // One of the RFC 1918 private ranges (10/8, 172.16/12, 192.168/16).
  bool is_private() const;
  Ipv4 plus(uint32_t offset) const { return {value + offset}; }
};

// An IPv4 network such as 192.168.49.0/24.
struct Cidr {
  Ipv4 network;
  int prefix = 32;
  auto operator<=>(const Cidr&) const = default;
  std::string to_string() const;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  bool contains(Ipv4 address) const { return (address.value & mask()) == network.value; }
  bool overlaps(const Cidr& other) const { return contains(other.network) || other.contains(network); }
  // The first usable address (the gateway by convention).
  Ipv4 first_host() const { return network.plus(1); }
};

// Parses a dotted quad; usage error naming `text` when invalid.
Result<Ipv4> parse_ipv4(std::string_view text);
// Parses "a.b.c.d/n"; the host bits must be zero. A bare address means /32.
Result<Cidr> parse_cidr(std::string_view text);

} // namespace mk::net
