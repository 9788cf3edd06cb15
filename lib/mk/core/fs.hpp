// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace mk::core {

// Reads a whole file; not_found when it does not exist.
Result<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` atomically: writes a temporary file beside it, fsyncs it, sets `mode`, renames it into
// place. Creates missing parent directories (0755). Readers see either the old or the new content, never a
// mix.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content, int mode = 0644);

// Creates `path` and its parents with `mode` if missing.
Status ensure_directory(const std::filesystem::path& path, int mode = 0755);

// An exclusive advisory lock (flock) on a lock file, released on destruction. Shared across processes.
class FileLock {
public:
  FileLock() = default;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Takes the lock on `path` (created if missing) without waiting; conflict when another process holds it.
  static Result<FileLock> try_acquire(const std::filesystem::path& path);
  // Takes the lock, waiting up to `timeout`; calls `on_wait` once if it has to wait. conflict on timeout.
  template <class OnWait>
  static Result<FileLock> acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                                  OnWait&& on_wait) {
    auto lock = try_acquire(path);
    if (lock || lock.error().code != ErrorCode::conflict) return lock;
    on_wait();
    return acquire_blocking(path, timeout);
  }
  bool held() const { return m_fd >= 0; }

private:
  static Result<FileLock> acquire_blocking(const std::filesystem::path& path,
                                           std::chrono::milliseconds timeout);
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// The current user's home directory ($HOME, else the passwd entry).
std::filesystem::path home_directory();

} // namespace mk::core
