// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/start_request.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mk::cmd {

// The parsed command line: which command, with which options. Only cli.cpp knows CLI11.
struct Invocation {
  std::vector<std::string> argv; // the command line as given (for mk start's log)
  std::string command; // "start", "stop", "delete", "status", "ssh", "node list", "ip", "profile list",
                       // "version", "completion", "kubectl"
  std::string profile = "mk";
  bool profile_given = false; // -p was on the command line (else mk config's profile applies)
  int verbosity = 0;
  cluster::StartFlags start;
  bool all = false;                   // delete --all
  bool purge = false;                 // delete --all --purge
  std::string output = "text";        // status / profile list / version: text or json
  std::string node;                   // ssh / ip / status: -n/--node; node delete|stop|start: the name
  bool worker = false;                // node add --worker
  bool control_plane = false;         // node add --control-plane (refused)
  std::string namespaces;             // pause -n
  bool all_namespaces = false;        // pause -A
  std::vector<std::string> arguments; // ssh command / kubectl arguments / completion shell
  std::string file;                   // cache export / import
  std::string name;                   // profile NAME / config KEY
  std::string value;                  // config set VALUE
  std::string images;                 // addons enable --images ROLE=REF,...
  std::string registries;             // addons enable --registries ROLE=HOST,...
  bool wait = false;                  // addons enable --wait
  std::string wait_timeout = "6m";    // addons enable --wait-timeout
  bool url = false;                   // dashboard / service --url
  std::string service_namespace;      // service -n (empty: default; service list: every namespace)
  bool overwrite = true;              // image load --overwrite
  int length = 60;                    // logs --length
  bool problems = false;              // logs --problems
  bool follow = false;                // logs -f
};

// The outcome of parsing: an invocation to run, or an exit code when parsing already answered (--help: 0,
// invalid arguments: 14, after printing one line).
struct Parsed {
  std::optional<Invocation> invocation;
  int exit_code = 0;
};

Parsed parse_command_line(int argc, char** argv);

// The completion script for `shell` ("bash" or "zsh"); empty for any other shell.
std::string completion_script(std::string_view shell);

} // namespace mk::cmd
