// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace mk::core {
// A file compiled into the mk binary (see scripts/cmake/EmbedFiles.cmake); `path` is relative to its data
// folder.
struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};
} // namespace mk::core
