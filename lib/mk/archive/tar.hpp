// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mk::archive {

// One regular file of a tar stream; `path` is relative ("usr/local/bin/x"). No directory entries are written,
// so extracting over an existing tree leaves its directories' owners and modes alone.
struct TarEntry {
  std::string path;
  std::string content;
  int mode = 0644;
};

// A POSIX tar stream of `entries` (owner root), for `docker cp - <node>:/`.
Result<std::string> make_tar(const std::vector<TarEntry>& entries);

// A file to put in a tar file: its name in the archive and its content, given in memory or (when `source` is
// not empty) streamed from disk.
struct TarFile {
  std::string name;
  std::string content;
  std::filesystem::path source;
  int mode = 0644;
};

// Writes `files` as a POSIX tar (lz4-compressed with `lz4`) to `out` + ".download", fsyncs it and renames it
// to `out`. On failure the partial file is removed and an existing `out` is left as it was.
Status write_tar_file(const std::filesystem::path& out, const std::vector<TarFile>& files, bool lz4 = false);

// Extracts the regular files of the tar file `in` under `destination`, streaming; every name must be relative
// and stay inside `destination` (otherwise nothing more is written and it fails). Each file is written as
// name + ".tmp" and renamed when complete. Returns the names extracted.
Result<std::vector<std::string>> extract_tar_file(const std::filesystem::path& in,
                                                  const std::filesystem::path& destination);

// The content of the regular file `name` in the in-memory tar stream `tar`, or nullopt when it has none.
Result<std::optional<std::string>> read_tar_member(std::string_view tar, std::string_view name);
// The same for the tar file `file` (compressed or not), reading nothing else from it; nullopt also when the
// member is larger than `max_bytes`.
Result<std::optional<std::string>> read_tar_file_member(const std::filesystem::path& file,
                                                        std::string_view name, size_t max_bytes);

} // namespace mk::archive
