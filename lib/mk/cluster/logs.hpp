// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

// `mk logs`: what a bug report needs from one node, in sections headed "==> <source> <==": mk's log of the
// last start (MK_HOME/logs/lastStart.txt), the kubelet's and containerd's journals, the containers' state,
// and the logs of the Kubernetes components' containers (the newest of each).
namespace mk::cluster {

inline constexpr const char* k_last_start_log = "lastStart.txt"; // under Paths::logs_dir()

struct LogsRequest {
  std::string node;      // empty: the primary
  int length = 60;       // lines per source
  bool problems = false; // only lines that report a problem (errors, failures, klog E/F lines)
};

Result<std::string> collect_logs(Env& env, driver::Driver& driver, std::string_view profile,
                                 const LogsRequest& request);

// The host command that follows the node's kubelet journal (mk logs -f).
Result<std::vector<std::string>> follow_logs_command(Env& env, driver::Driver& driver,
                                                     std::string_view profile, const LogsRequest& request);

// The lines of `text` that report a problem; section headers ("==> ... <==") are kept.
std::string problem_lines(std::string_view text);

// The script run in the node: its argument is the number of lines per source.
std::string node_logs_script();

} // namespace mk::cluster
