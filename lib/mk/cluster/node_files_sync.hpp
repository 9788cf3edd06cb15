// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/node_survey.hpp"
#include "mk/exec/runner.hpp"

#include <string>
#include <vector>

namespace mk::cluster {

// A file mk places in a node.
struct NodeFile {
  std::string path; // absolute
  std::string content;
  int mode = 0644;
};

// Writes the files whose content differs from the node's copy (one tar stream, owner root) and returns the
// paths it wrote, so callers restart only what changed. The node's copies are known from `survey` when it
// looked at all of them (then nothing runs for unchanged files), else from one command; what is written is
// recorded in `survey`.
Result<std::vector<std::string>> sync_node_files(exec::Runner& node, const std::vector<NodeFile>& files,
                                                 NodeSurvey* survey = nullptr);

} // namespace mk::cluster
