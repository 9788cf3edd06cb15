// SPDX-License-Identifier: Apache-2.0
#include "mk/ssh/runner.hpp"

#include "mk/exec/tracked.hpp"

#include <fmt/format.h>

namespace mk::ssh {

using namespace std::chrono_literals;

std::vector<std::string> client_argv(const Endpoint& endpoint) {
  std::vector<std::string> argv = {"ssh", "-F", "/dev/null"};
  auto option = [&](std::string text) {
    argv.push_back("-o");
    argv.push_back(std::move(text));
  };
  option("ConnectionAttempts=3");
  option("ConnectTimeout=10");
  if (endpoint.control_path.empty()) {
    option("ControlMaster=no");
    option("ControlPath=none");
  } else {
    option("ControlMaster=auto");
    option("ControlPath=" + endpoint.control_path.string());
    option("ControlPersist=60");
  }
  option("LogLevel=quiet");
  option("PasswordAuthentication=no");
  option("ServerAliveInterval=60");
  option("StrictHostKeyChecking=no");
  option("UserKnownHostsFile=/dev/null");
  option("IdentitiesOnly=yes");
  argv.insert(argv.end(),
              {"-i", endpoint.key.string(), "-p", std::to_string(endpoint.port), "docker@127.0.0.1"});
  return argv;
}

void close_shared_connection(exec::Runner& host, const Endpoint& endpoint) {
  if (endpoint.control_path.empty() || !std::filesystem::exists(endpoint.control_path)) return;
  auto argv = client_argv(endpoint);
  argv.insert(argv.end() - 1, {"-O", "exit"});
  host.run({argv, {}, {}, 5s, {}});
}

Result<exec::RunResult> SshRunner::run(const exec::Command& command) {
  auto token = exec::new_command_token();
  // the remote side is one shell command line: every word quoted
  std::vector<std::string> remote = {"sudo", "-n", "--"};
  if (!command.env.empty()) {
    remote.push_back("env");
    for (const auto& [key, value] : command.env)
      remote.push_back(key + "=" + value);
  }
  auto tracked = exec::tracked_argv(token, command.argv);
  remote.insert(remote.end(), tracked.begin(), tracked.end());
  exec::Command wrapped = command;
  wrapped.env.clear();
  wrapped.argv = client_argv(m_endpoint);
  wrapped.argv.push_back("--");
  wrapped.argv.push_back(exec::shell_quote(remote));
  return exec::run_in_node(m_host, *this, wrapped, command, token);
}

Status SshRunner::write_file(const std::string& path, std::string_view content, int mode) {
  MK_TRY(exec::run_checked(*this, exec::write_file_command(path, mode, content), ErrorCode::node_failed));
  return {};
}

Status SshRunner::copy_file(const std::filesystem::path& source, const std::string& path, int mode) {
  MK_TRY(exec::run_checked(*this, exec::copy_file_command(source, path, mode), ErrorCode::node_failed));
  return {};
}

} // namespace mk::ssh
