// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/tracked.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace mk;

TEST_CASE("tracked commands record themselves under their token and keep their argv", "[exec]") {
  auto argv = exec::tracked_argv("12.3", {"kubeadm", "init", "--config", "x"});
  REQUIRE(argv.size() == 10);
  CHECK(argv[0] == "env");
  CHECK(argv[1] == "MK_EXEC=12.3");
  CHECK(std::vector<std::string>(argv.begin() + 6, argv.end()) ==
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

// The wrapper and the stop script are shell: run them here, with /run/mk/exec in a scratch root, through a
// runner that maps the node's paths. The host's /proc stands in for the node's.
#include "mk/exec/local_runner.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace {
// Runs commands on the host with /run/mk/exec replaced by a scratch directory.
class ScratchNode final : public exec::Runner {
public:
  explicit ScratchNode(std::filesystem::path root) : m_root(std::move(root)), m_host(m_log) {}
  Result<exec::RunResult> run(const exec::Command& command) override {
    auto mapped = command;
    for (auto& word : mapped.argv) {
      for (size_t at; (at = word.find("/run/mk/exec")) != std::string::npos;)
        word.replace(at, 12, (m_root / "exec").string());
    }
    return m_host.run(mapped);
  }
  Status write_file(const std::string&, std::string_view, int) override { return {}; }
  Status copy_file(const std::filesystem::path&, const std::string&, int) override { return {}; }
  std::string where() const override { return "scratch"; }

private:
  std::filesystem::path m_root;
  core::Log m_log{0};
  exec::LocalRunner m_host;
};
} // namespace

TEST_CASE("a tracked command keeps its status and is forgotten when it ends - a running one can be stopped",
          "[exec]") {
  auto root =
      std::filesystem::temp_directory_path() / ("mk-test-tracked-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(root);
  ScratchNode node(root);

  auto done = node.run({exec::tracked_argv("1.1", {"sh", "-c", "echo out; exit 3"}), {}, {}, {}, {}});
  REQUIRE(done);
  CHECK(done->exit_code == 3);
  CHECK(done->out == "out\n");
  CHECK_FALSE(std::filesystem::exists(root / "exec" / "1.1"));

  // a long command in the background of another thread; stopped through its token
  auto ready = root / "ready";
  Result<exec::RunResult> long_running = fail(ErrorCode::failure, "not run");
  std::thread runner([&] {
    long_running =
        node.run({exec::tracked_argv("1.2", {"sh", "-c", "echo up > \"$0\"; sleep 60", ready.string()}),
                  {},
                  {},
                  {},
                  {}});
  });
  for (int i = 0; i < 6000 && !std::filesystem::exists(ready); ++i) // a hang guard
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(std::filesystem::exists(root / "exec" / "1.2"));
  REQUIRE(exec::stop_tracked_commands(node, {"1.2", "1.3"}));
  runner.join();
  REQUIRE(long_running);
  CHECK(long_running->exit_code != 0);
  CHECK_FALSE(std::filesystem::exists(root / "exec" / "1.2"));
  std::filesystem::remove_all(root);
}
