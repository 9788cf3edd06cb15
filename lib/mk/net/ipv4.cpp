// SPDX-License-Identifier: Apache-2.0
#include "mk/net/ipv4.hpp"

#include "mk/core/strings.hpp"

#include <charconv>
#include <fmt/format.h>

namespace mk::net {

std::string Ipv4::to_string() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 255, (value >> 8) & 255, value & 255);
}

bool Ipv4::is_private() const {
  auto in = [this](uint32_t network, int prefix) { return Cidr{{network}, prefix}.contains(*this); };
  return in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16);
}

std::string Cidr::to_string() const {
  return fmt::format("{}/{}", network.to_string(), prefix);
}

Result<Ipv4> parse_ipv4(std::string_view text) {
  auto parts = core::split(text, '.');
  auto invalid = [&] { return fail(ErrorCode::usage, fmt::format("\"{}\" is not an IPv4 address", text)); };
  if (parts.size() != 4) return invalid();
  uint32_t value = 0;
  for (const auto& part : parts) {
    unsigned octet = 0;
    if (part.empty() || part.size() > 3) return invalid();
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
    if (ec != std::errc() || end != part.data() + part.size() || octet > 255) return invalid();
    value = value << 8 | octet;
  }
  return Ipv4{value};
}

Result<Cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  auto address = MK_TRY(parse_ipv4(text.substr(0, slash)));
  int prefix = 32;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > 32)
      return fail(ErrorCode::usage, fmt::format("\"{}\" has an invalid prefix length", text));
  }
  Cidr cidr{address, prefix};
  if ((address.value & cidr.mask()) != address.value)
    return fail(ErrorCode::usage, fmt::format("\"{}\" has host bits set (did you mean {}?)", text,
                                              Cidr{{address.value & cidr.mask()}, prefix}.to_string()));
  return cidr;
}

} // namespace mk::net
