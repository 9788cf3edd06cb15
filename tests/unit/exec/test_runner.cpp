// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/local_runner.hpp"
#include "mk/exec/runner.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace mk;
using namespace std::chrono_literals;

TEST_CASE("argv is quoted so a shell would see the same words", "[exec]") {
  CHECK(exec::shell_quote({"docker", "run", "--name", "mk"}) == "docker run --name mk");
  CHECK(exec::shell_quote({"sh", "-c", "echo 'hi' && ls"}) == R"(sh -c 'echo '\''hi'\'' && ls')");
  CHECK(exec::shell_quote({"a b", ""}) == "'a b' ''");
  CHECK(exec::shell_quote({"--device-cgroup-rule=a *:* rwm"}) == "'--device-cgroup-rule=a *:* rwm'");
}

TEST_CASE("a failed command's error carries argv, exit code and output", "[exec]") {
  exec::RunResult result{{"docker", "network", "create", "mk"}, 1, "", "Error: Pool overlaps\n"};
  auto error = exec::command_error(result, "cannot create network mk", ErrorCode::driver_failed);
  CHECK(error.code == ErrorCode::driver_failed);
  CHECK(error.summary() == "cannot create network mk");
  REQUIRE(error.command);
  CHECK(error.command->argv == result.argv);
  CHECK(error.command->exit_code == 1);
  CHECK(error.command->err == "Error: Pool overlaps\n");
  auto wrapped = Error(error).wrap("starting cluster mk");
  CHECK(wrapped.summary() == "starting cluster mk: cannot create network mk");
}

TEST_CASE("the local runner reports exit codes, output and stdin without a shell", "[exec]") {
  core::Log log;
  exec::LocalRunner runner(log);
  auto ok = runner.run({{"sh", "-c", "echo out; echo err >&2; exit 3"}, {}, {}, {}, {}});
  REQUIRE(ok);
  CHECK(ok->exit_code == 3);
  CHECK(ok->out == "out\n");
  CHECK(ok->err == "err\n");
  auto echoed = runner.run({{"cat"}, "fed through stdin", {}, {}, {}});
  REQUIRE(echoed);
  CHECK(echoed->out == "fed through stdin");
  // arguments are not interpreted by any shell
  auto literal = runner.run({{"echo", "$HOME", "a;b"}, {}, {}, {}, {}});
  REQUIRE(literal);
  CHECK(literal->out == "$HOME a;b\n");
  auto env = runner.run({{"sh", "-c", "echo $MK_TEST_VALUE"}, {}, {}, {}, {{"MK_TEST_VALUE", "42"}}});
  REQUIRE(env);
  CHECK(env->out == "42\n");
}

TEST_CASE("the local runner reports missing programs and timeouts as errors", "[exec]") {
  core::Log log;
  exec::LocalRunner runner(log);
  auto missing = runner.run({{"mk-no-such-program"}, {}, {}, {}, {}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
  // only the timeout can end this run as an error: a runner that ignored it would return sleep's exit 0
  auto slow = runner.run({{"sleep", "120"}, {}, {}, 300ms, {}});
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code == ErrorCode::timeout);
  auto failed = exec::run_checked(runner, {{"false"}, {}, {}, {}, {}});
  REQUIRE_FALSE(failed);
  REQUIRE(failed.error().command);
  CHECK(failed.error().command->exit_code == 1);
}

TEST_CASE("the local runner streams stdin from a file and runs commands from several threads at once",
          "[exec]") {
  core::Log log;
  exec::LocalRunner runner(log);
  auto file = std::filesystem::temp_directory_path() / ("mk-runner-input-" + std::to_string(::getpid()));
  std::ofstream(file) << std::string(300000, 'x');
  exec::Command count{{"wc", "-c"}, {}, file, {}, {}};
  auto counted = runner.run(count);
  REQUIRE(counted);
  CHECK(counted->out.find("300000") != std::string::npos);
  std::filesystem::remove(file);
  // Eight commands from eight threads, each waiting until all eight have started: they can only finish when
  // the runner runs them at the same time (the 60 s timeout is a hang guard, not a measurement).
  auto started = std::filesystem::temp_directory_path() / ("mk-runner-started-" + std::to_string(::getpid()));
  std::filesystem::remove_all(started);
  std::filesystem::create_directories(started);
  const std::string wait_for_all =
      "touch \"$1/$0\"; until [ \"$(ls \"$1\" | wc -l)\" -ge 8 ]; do sleep 0.01; done; "
      "echo $0";
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto r = runner.run({{"sh", "-c", wait_for_all, std::to_string(i), started.string()}, {}, {}, 60s, {}});
      if (r && r->out == std::to_string(i) + "\n") ++good;
    });
  for (auto& t : threads)
    t.join();
  CHECK(good == 8);
  std::filesystem::remove_all(started);
}
