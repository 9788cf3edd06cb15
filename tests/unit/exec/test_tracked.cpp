// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/tracked.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace mk;

TEST_CASE("tracked commands record themselves under their token and keep their argv", "[exec]") {
  auto argv = exec::tracked_argv("12.3", {"kubeadm", "init", "--config", "x"});
  REQUIRE(argv.size() == 8);
  CHECK(argv[0] == "sh");
  CHECK(argv[3] == "12.3");
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.end()) ==
        std::vector<std::string>{"kubeadm", "init", "--config", "x"});
  auto first = exec::new_command_token();
  auto second = exec::new_command_token();
  CHECK(first != second);
  CHECK(first.rfind(std::to_string(::getpid()) + ".", 0) == 0);
}

TEST_CASE("orphaned commands are those whose mk process is gone", "[exec]") {
  auto self = std::to_string(::getpid());
  auto parent = std::to_string(::getppid());
  // pid 2^22+1 is above the kernel's pid_max ceiling: no process has it
  auto listing = self + ".1\n" + parent + ".7\n4194305.3\nnot-a-token\n";
  CHECK(exec::orphaned_tokens(listing) == std::vector<std::string>{"4194305.3"});
  CHECK(exec::orphaned_tokens("").empty());
}
