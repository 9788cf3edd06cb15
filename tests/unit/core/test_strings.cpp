// SPDX-License-Identifier: Apache-2.0
#include "mk/core/strings.hpp"

#include <catch2/catch.hpp>

using namespace mk;

TEST_CASE("string helpers", "[core]") {
  CHECK(core::trim("  a b \n") == "a b");
  CHECK(core::trim(" \n ").empty());
  CHECK(core::split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(core::split("a,,b", ',', true) == std::vector<std::string>{"a", "b"});
  CHECK(core::words(" x\ty \n z ") == std::vector<std::string>{"x", "y", "z"});
  CHECK(core::last_lines("1\n2\n3\n", 2) == "2\n3");
  CHECK(core::last_lines("1\n2\n3", 5) == "1\n2\n3");
  CHECK(core::last_lines("one", 1) == "one");
  CHECK(core::indent("a\nb\n", "> ") == "> a\n> b\n");
}
