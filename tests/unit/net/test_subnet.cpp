// SPDX-License-Identifier: Apache-2.0
#include "mk/net/ipv4.hpp"
#include "mk/net/subnet.hpp"

#include <catch2/catch.hpp>

using namespace mk;

static net::Cidr cidr(const char* text) {
  return net::parse_cidr(text).value();
}

TEST_CASE("IPv4 addresses and networks parse and print", "[net]") {
  CHECK(net::parse_ipv4("192.168.49.2").value().to_string() == "192.168.49.2");
  CHECK_FALSE(net::parse_ipv4("192.168.49"));
  CHECK_FALSE(net::parse_ipv4("192.168.49.256"));
  CHECK_FALSE(net::parse_ipv4("1.2.3.4.5"));
  CHECK_FALSE(net::parse_ipv4("1..3.4"));
  CHECK(cidr("10.0.0.0/8").contains(net::parse_ipv4("10.200.1.1").value()));
  CHECK_FALSE(net::parse_cidr("192.168.49.1/24")); // host bits set
  CHECK(cidr("172.17.0.0/16").overlaps(cidr("172.17.5.0/24")));
  CHECK_FALSE(cidr("192.168.49.0/24").overlaps(cidr("192.168.58.0/24")));
  CHECK(net::parse_ipv4("172.31.255.255").value().is_private());
  CHECK_FALSE(net::parse_ipv4("172.32.0.1").value().is_private());
}

TEST_CASE("subnet candidates step the third octet by 9 from 192.168.49.0", "[net]") {
  auto candidates = net::subnet_candidates();
  REQUIRE(candidates.size() == 20);
  CHECK(candidates[0].to_string() == "192.168.49.0/24");
  CHECK(candidates[1].to_string() == "192.168.58.0/24");
  CHECK(candidates[2].to_string() == "192.168.67.0/24");
  CHECK(candidates[19].to_string() == "192.168.220.0/24");
}

TEST_CASE("the first free subnet skips engine networks and host interfaces", "[net]") {
  CHECK(net::choose_free_subnet({}, {})->to_string() == "192.168.49.0/24");
  CHECK(net::choose_free_subnet({cidr("192.168.49.0/24")}, {})->to_string() == "192.168.58.0/24");
  CHECK(net::choose_free_subnet({cidr("192.168.0.0/16")}, {}) == std::nullopt);
  auto host = net::parse_ipv4("192.168.58.7").value();
  CHECK(net::choose_free_subnet({cidr("192.168.49.0/24")}, {host})->to_string() == "192.168.67.0/24");
  // a wide docker network covering several candidates
  CHECK(net::choose_free_subnet({cidr("192.168.48.0/20")}, {})->to_string() == "192.168.67.0/24");
}
