// SPDX-License-Identifier: Apache-2.0
#include "mk/driver/select.hpp"

#include <catch2/catch.hpp>

using namespace mk;

namespace {
std::unique_ptr<driver::Driver> no_driver(exec::Runner&, const core::Log&, const core::Paths&) {
  return nullptr;
}
const driver::DriverInfo k_table[] = {
    {"docker", "", 100, [] { return true; }, no_driver},
    {"podman", "", 50, [] { return true; }, no_driver},
    {"qemu", "", 10, [] { return false; }, no_driver},
};
} // namespace

TEST_CASE("driver selection: flag, then profile, then the preferred installed driver", "[driver]") {
  CHECK(driver::select_driver(k_table, "podman", "").value()->name == "podman");
  CHECK(driver::select_driver(k_table, "", "podman").value()->name == "podman");
  CHECK(driver::select_driver(k_table, "", "").value()->name == "docker");
  auto unknown = driver::select_driver(k_table, "vbox", "");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::usage);
  CHECK(unknown.error().message.find("docker, podman, qemu") != std::string::npos);
  auto mismatch = driver::select_driver(k_table, "podman", "docker");
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().code == ErrorCode::conflict);
  const driver::DriverInfo none[] = {{"qemu", "", 10, [] { return false; }, no_driver}};
  auto nothing = driver::select_driver(none, "", "");
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().code == ErrorCode::driver_unavailable);
}
