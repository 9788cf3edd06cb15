// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <string>
#include <vector>

namespace mk::archive {

// One regular file of a tar stream; `path` is relative ("usr/local/bin/x"). No directory entries are written, so
// extracting over an existing tree leaves its directories' owners and modes alone.
struct TarEntry {
  std::string path;
  std::string content;
  int mode = 0644;
};

// A POSIX tar stream of `entries` (owner root), for `docker cp - <node>:/`.
Result<std::string> make_tar(const std::vector<TarEntry>& entries);

} // namespace mk::archive
