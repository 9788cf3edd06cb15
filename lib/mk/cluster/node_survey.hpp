// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/exec/runner.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mk::cluster {

// What to read from a node in one command once it has booted.
struct SurveyRequest {
  std::vector<std::string> roots;    // files and directories: every regular file under them is hashed
  std::vector<std::string> units;    // systemd units: active and enabled states
  std::vector<std::string> contents; // small files read whole (e.g. a stamp)
  bool images = false;               // list containerd's CRI images
};

struct UnitState {
  std::string active;  // systemctl is-active: "active", "inactive", ...
  std::string enabled; // systemctl is-enabled: "enabled", "disabled", "" when the unit is unknown
};

// What a node held when it had booted, read with one command (survey_command), so that a start over an
// unchanged node checks it once instead of once per step. The steps that write files into the node keep it
// current (record_written), and later steps read from it what changed in this run.
struct NodeSurvey {
  std::string system_state; // systemctl is-system-running
  bool complete = false;    // the node had booted ("running" or "degraded"): the fields below were read
  bool cgroup_v2 = false;
  bool negative_oom_score = false; // a process in the node may lower its oom_score_adj
  std::map<std::string, UnitState> units;
  std::optional<std::set<std::string>> images; // nullopt: not asked, or containerd did not answer
  std::map<std::string, std::string> contents; // asked-for files that exist
  std::vector<std::string> roots;
  std::map<std::string, std::string> hashes; // path -> sha256 of each regular file under the roots
  std::vector<std::string> written;          // files this run wrote since the survey

  // The node's sha256 of `path`: "" when the file is missing there, nullopt when the survey did not look.
  std::optional<std::string> hash_of(const std::string& path) const;
  bool unit_enabled(const std::string& unit) const;
  bool unit_active(const std::string& unit) const;
  // Records that this run wrote `path` with `content`.
  void record_written(const std::string& path, std::string_view content);
  // Whether this run wrote a file whose path starts with one of `prefixes`.
  bool wrote_any(const std::vector<std::string>& prefixes) const;
};

// The command that waits (a while) for the node's boot to end, prints its state and, once it has booted,
// everything `request` asks for.
exec::Command survey_command(const SurveyRequest& request);
// Reads survey_command's output.
NodeSurvey parse_survey(std::string_view output, const SurveyRequest& request);

} // namespace mk::cluster
