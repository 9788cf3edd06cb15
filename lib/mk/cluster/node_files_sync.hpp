// SPDX-License-Identifier: Apache-2.0
#pragma once

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

// Writes the files whose content differs from the node's copy (one command to compare, one tar stream to
// write, owner root) and returns the paths it wrote, so callers restart only what changed.
Result<std::vector<std::string>> sync_node_files(exec::Runner& node, const std::vector<NodeFile>& files);

} // namespace mk::cluster
