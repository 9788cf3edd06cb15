// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/tracked.hpp"

#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <fmt/format.h>
#include <unistd.h>

namespace mk::exec {

using namespace std::chrono_literals;

namespace {
// Runs "$@" as a child of this shell, whose pid is recorded (and forgotten when the command ends) under the
// token in $MK_EXEC; the exit status is the command's.
constexpr const char* k_track_script =
    R"sh(f=/run/mk/exec/$MK_EXEC; { echo $$ >"$f"; } 2>/dev/null || { mkdir -p /run/mk/exec && echo $$ >"$f"; }
"$@"; s=$?; rm -f "$f"; exit $s)sh";

// Arguments: tokens. A recorded shell is signalled (with every process below it: the command and what that
// started, which would otherwise keep running and hold the command's output open) only while its environment
// still carries the token.
constexpr const char* k_stop_script = R"sh(d=/run/mk/exec; pids=""
descendants() { for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
for t in "$@"; do
  p=$(cat "$d/$t" 2>/dev/null) || continue
  if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "MK_EXEC=$t"; then
    children=$(descendants "$p" | tr '\n' ' ')
    kill -TERM $children "$p" 2>/dev/null; pids="$pids $children $p"
  fi
  rm -f "$d/$t"
done
i=0
while [ -n "$(echo $pids)" ] && [ $i -lt 50 ]; do
  alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
  pids=$alive; i=$((i + 1)); [ -n "$pids" ] && sleep 0.1
done
[ -z "$(echo $pids)" ] || kill -KILL $pids 2>/dev/null
exit 0)sh";

constexpr const char* k_list_script =
    R"sh(for f in /run/mk/exec/*; do [ -f "$f" ] && echo "${f##*/}"; done; exit 0)sh";

bool host_process_runs(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}
} // namespace

std::string new_command_token() {
  static std::atomic<unsigned> sequence{0};
  return fmt::format("{}.{}", ::getpid(), ++sequence);
}

std::vector<std::string> tracked_argv(const std::string& token, const std::vector<std::string>& argv) {
  std::vector<std::string> wrapped = {"env", "MK_EXEC=" + token, "sh", "-c", k_track_script, "mk-exec"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

Result<RunResult> run_in_node(Runner& host, Runner& node, const Command& wrapped, const Command& command,
                              const std::string& token) {
  auto result = host.run(wrapped);
  if (!result) {
    auto& error = result.error();
    if (error.command) error.command->argv = command.argv;
    if (error.code == ErrorCode::interrupted || error.code == ErrorCode::timeout) {
      core::InterruptShield shield;
      if (auto stopped = stop_tracked_commands(node, {token}); !stopped)
        error.message +=
            fmt::format(" (and it could not be stopped in {}: {})", node.where(), stopped.error().summary());
    }
    return result;
  }
  result->argv = command.argv; // errors show the command as run in the node
  return result;
}

Status stop_tracked_commands(Runner& node, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return {};
  Command command{{"sh", "-c", k_stop_script, "mk-stop"}, {}, {}, 30s, {}};
  command.argv.insert(command.argv.end(), tokens.begin(), tokens.end());
  MK_TRY(run_checked(node, command, ErrorCode::node_failed));
  return {};
}

std::vector<std::string> orphaned_tokens(const std::string& listing) {
  std::vector<std::string> orphans;
  for (const auto& token : core::words(listing)) {
    auto dot = token.find('.');
    long pid = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + (dot == std::string::npos ? 0 : dot), pid);
    if (ec != std::errc{} || dot == std::string::npos) continue; // not one of ours
    if (pid == ::getpid() || host_process_runs(pid)) continue;
    orphans.push_back(token);
  }
  return orphans;
}

Result<std::vector<std::string>> stop_orphaned_commands(Runner& node) {
  auto listing =
      MK_TRY(run_checked(node, {{"sh", "-c", k_list_script}, {}, {}, 30s, {}}, ErrorCode::node_failed));
  auto orphans = orphaned_tokens(listing.out);
  MK_TRY(stop_tracked_commands(node, orphans));
  return orphans;
}

} // namespace mk::exec
