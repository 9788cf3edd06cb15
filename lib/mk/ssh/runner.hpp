// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/exec/runner.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mk::ssh {

// How a node is reached over SSH: user docker at 127.0.0.1:<port> with the node's key.
struct Endpoint {
  int port = 0;
  std::filesystem::path key;
  // the socket of a shared connection (OpenSSH's ControlMaster, kept 60 s after the last use), so that many
  // short commands pay for one key exchange; empty: every command connects anew
  std::filesystem::path control_path;
};

// The OpenSSH client's argv up to the destination (included): no config file, no known_hosts (a node's host
// key is new on every node), the key only, no password prompt.
std::vector<std::string> client_argv(const Endpoint& endpoint);

// Closes the shared connection of `endpoint`, if one runs (before its node goes away).
void close_shared_connection(exec::Runner& host, const Endpoint& endpoint);

// Runs commands in a node as root (sudo) over SSH, through the host runner. Commands are tracked in the node
// (exec/tracked.hpp): one stopped on the host side (interrupt, timeout) is stopped in the node too.
class SshRunner final : public exec::Runner {
public:
  SshRunner(exec::Runner& host, Endpoint endpoint, std::string node)
      : m_host(host), m_endpoint(std::move(endpoint)), m_node(std::move(node)) {}
  Result<exec::RunResult> run(const exec::Command& command) override;
  Status write_file(const std::string& path, std::string_view content, int mode) override;
  Status copy_file(const std::filesystem::path& source, const std::string& path, int mode) override;
  std::string where() const override { return "node " + m_node; }

private:
  exec::Runner& m_host;
  Endpoint m_endpoint;
  std::string m_node;
};

} // namespace mk::ssh
