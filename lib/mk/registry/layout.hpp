// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mk::registry {

// One file of an image archive: `content`, or the file at `source` when that is not empty (streamed, so
// layers of hundreds of megabytes never sit in memory).
struct LayoutFile {
  std::string path; // inside the archive: "index.json", "blobs/sha256/<hex>"
  std::string content;
  std::filesystem::path source;
};

// Writes `files` as a POSIX tar to `archive` + ".download", fsyncs it and renames it to `archive`. On failure
// the ".download" file is removed and `archive` is left as it was.
Status write_tar_file(const std::filesystem::path& archive, const std::vector<LayoutFile>& files);

} // namespace mk::registry
