// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <pwd.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace mk::core {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    auto code = errno == ENOENT ? ErrorCode::not_found : ErrorCode::failure;
    return fail(code, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return content;
}

Status ensure_directory(const fs::path& path, int mode) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return {};
  fs::create_directories(path, ec);
  if (ec)
    return fail(ErrorCode::failure,
                fmt::format("cannot create directory {}: {}", path.string(), ec.message()));
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
  return {};
}

Status write_file_atomic(const fs::path& path, std::string_view content, int mode) {
  if (path.has_parent_path()) MK_TRY(ensure_directory(path.parent_path()));
  std::random_device random;
  auto temporary = path;
  temporary += fmt::format(".tmp{:x}", random());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  auto failed = [&](const char* what) {
    auto message = fmt::format("cannot write {} ({}): {}", path.string(), what, std::strerror(errno));
    ::close(fd);
    ::unlink(temporary.c_str());
    return fail(ErrorCode::failure, message);
  };
  for (size_t written = 0; written < content.size();) {
    auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed("write");
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return failed("chmod");
  if (::fsync(fd) != 0) return failed("fsync");
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto message = fmt::format("cannot replace {}: {}", path.string(), std::strerror(errno));
    ::unlink(temporary.c_str());
    return fail(ErrorCode::failure, message);
  }
  return {};
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) {
  other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);
}

static Result<int> open_lock_file(const fs::path& path) {
  if (path.has_parent_path()) MK_TRY(ensure_directory(path.parent_path()));
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(ErrorCode::failure,
                fmt::format("cannot open lock {}: {}", path.string(), std::strerror(errno)));
  return fd;
}

Result<FileLock> FileLock::try_acquire(const fs::path& path) {
  int fd = MK_TRY(open_lock_file(path));
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(fd);
  auto busy = errno == EWOULDBLOCK;
  ::close(fd);
  if (busy)
    return fail(ErrorCode::conflict, fmt::format("{} is locked by another mk process", path.string()));
  return fail(ErrorCode::failure, fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno)));
}

Result<FileLock> FileLock::acquire_blocking(const fs::path& path, std::chrono::milliseconds timeout) {
  int fd = MK_TRY(open_lock_file(path));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return fail(ErrorCode::conflict, fmt::format("timed out waiting for the lock {}", path.string()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return FileLock(fd);
}

fs::path home_directory() {
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  if (const passwd* entry = ::getpwuid(::getuid())) return entry->pw_dir;
  return "/";
}

} // namespace mk::core
