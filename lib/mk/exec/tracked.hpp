// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/exec/runner.hpp"

#include <string>
#include <vector>

// Commands mk runs inside a node are tracked there, so that one mk leaves running (a `docker exec` client
// does not pass signals on, and a killed mk cannot stop anything) can be found and stopped: each runs under a
// shell that has the environment variable MK_EXEC=<token> and records its pid in /run/mk/exec/<token> while
// the command runs, where the token is "<pid of the mk process on the host>.<sequence>".
namespace mk::exec {

// A token for the next command of this mk process.
std::string new_command_token();

// `argv` wrapped so that it is recorded under `token` while it runs (same exit status, stdin and output).
std::vector<std::string> tracked_argv(const std::string& token, const std::vector<std::string>& argv);

// Runs `command` in a node: `host` runs `wrapped` (the host-side command that reaches the node, running
// tracked_argv(token, command.argv) there). When the host side is stopped (interrupt, timeout), the command
// is stopped in the node too (through `node`): the client (`docker exec`, ssh) does not pass the stop on.
// Results and errors show `command`'s argv.
Result<RunResult> run_in_node(Runner& host, Runner& node, const Command& wrapped, const Command& command,
                              const std::string& token);

// Stops the tracked commands with these tokens that still run in the node (SIGTERM, SIGKILL after 5 s) and
// forgets them. `node` runs commands in the node.
Status stop_tracked_commands(Runner& node, const std::vector<std::string>& tokens);

// Stops every tracked command whose mk process is gone (left running by an mk that was killed); returns the
// tokens it stopped or forgot.
Result<std::vector<std::string>> stop_orphaned_commands(Runner& node);

// The tokens of a listing of /run/mk/exec whose mk process no longer runs on this host.
std::vector<std::string> orphaned_tokens(const std::string& listing);

} // namespace mk::exec
