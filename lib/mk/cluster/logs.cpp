// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/logs.hpp"

#include "mk/cluster/access.hpp"
#include "mk/cluster/nodes.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <fstream>
#include <regex>
#include <sstream>

namespace mk::cluster {

using namespace std::chrono_literals;

std::string node_logs_script() {
  return R"sh(n=$1
echo "==> kubelet <=="
journalctl -u kubelet -n "$n" --no-pager 2>&1
echo "==> containerd <=="
journalctl -u containerd -n "$n" --no-pager 2>&1
echo "==> containers <=="
ctr -n k8s.io tasks ls 2>&1 | tail -n "$n"
for name in kube-apiserver etcd kube-controller-manager kube-scheduler kube-proxy coredns storage-provisioner; do
  file=$(ls -t /var/log/containers/*_*_"$name"-*.log 2>/dev/null | head -n 1)
  [ -n "$file" ] || continue
  echo "==> $name [$(basename "$file" .log | sed 's/.*-//' | cut -c1-13)] <=="
  tail -n "$n" "$file"
done
)sh";
}

std::string problem_lines(std::string_view text) {
  static const std::regex problem(
      R"((^|\s)[EF]\d{4} |\b(error|Error|ERROR|fail|failed|Failed|FAILED|fatal|Fatal|FATAL|panic|refused|BackOff|OOMKilled|unable|Unable)\b)");
  std::string out;
  std::string section;
  bool section_has_problem = true;
  for (const auto& line : core::split(text, '\n')) {
    if (line.starts_with("==> ") && line.ends_with(" <==")) {
      if (!section_has_problem) out += "(no problems found)\n";
      out += line + "\n";
      section_has_problem = false;
      continue;
    }
    if (std::regex_search(line, problem)) {
      out += line + "\n";
      section_has_problem = true;
    }
  }
  if (!section_has_problem) out += "(no problems found)\n";
  return out;
}

Result<std::string> collect_logs(Env& env, driver::Driver& driver, std::string_view profile,
                                 const LogsRequest& request) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  auto node = MK_TRY(node_named(*config, request.node));
  std::string text =
      fmt::format("==> Last start ({}) <==\n", (env.paths.logs_dir() / k_last_start_log).string());
  std::ifstream last_start(env.paths.logs_dir() / k_last_start_log);
  if (last_start) {
    std::stringstream content;
    content << last_start.rdbuf();
    text += core::last_lines(content.str(), request.length);
    if (!text.ends_with('\n')) text += '\n';
  } else {
    text += "(no mk start has run with this MK_HOME)\n";
  }
  if (MK_TRY(driver.inspect_node(node.name)).state != driver::State::running) {
    text +=
        fmt::format("==> node {} <==\nnot running: its journals and containers cannot be read\n", node.name);
  } else {
    auto runner = driver.node_runner(node.name);
    auto result = MK_TRY(runner->run(
        {{"sh", "-c", node_logs_script(), "mk-logs", std::to_string(request.length)}, {}, {}, 60s, {}}));
    if (!result.ok())
      return fail(exec::command_error(result, fmt::format("cannot read the logs of node {}", node.name),
                                      ErrorCode::node_failed));
    text += result.out;
  }
  return request.problems ? problem_lines(text) : text;
}

Result<std::vector<std::string>> follow_logs_command(Env& env, driver::Driver& driver,
                                                     std::string_view profile, const LogsRequest& request) {
  return ssh_command(
      env, driver, profile, request.node,
      {"sudo", "journalctl", "-u", "kubelet", "-f", "-n", std::to_string(request.length), "--no-pager"},
      false);
}

} // namespace mk::cluster
