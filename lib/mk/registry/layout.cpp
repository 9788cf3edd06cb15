// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/layout.hpp"

#include "mk/core/fs.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace mk::registry {

namespace {

namespace fs = std::filesystem;

struct WriterDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// Closes a file descriptor on scope exit unless released.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

Status write_all(const fs::path& part, const std::vector<LayoutFile>& files) {
  FdGuard file{::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (file.fd < 0)
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
  std::unique_ptr<struct archive, WriterDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  auto broken = [&](std::string_view what) {
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}: {}", part.string(), what,
                                                archive_error_string(writer.get())));
  };
  if (archive_write_open_fd(writer.get(), file.fd) != ARCHIVE_OK) return broken("opening");
  auto now = std::time(nullptr);
  std::vector<char> buffer(1 << 16);
  for (const auto& item : files) {
    uint64_t size = item.content.size();
    std::ifstream in;
    if (!item.source.empty()) {
      std::error_code ec;
      size = fs::file_size(item.source, ec);
      in.open(item.source, std::ios::binary);
      if (ec || !in) return fail(ErrorCode::failure, fmt::format("cannot read {}", item.source.string()));
    }
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), item.path.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), now, 0);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) return broken(item.path);
    if (item.source.empty()) {
      if (archive_write_data(writer.get(), item.content.data(), item.content.size()) < 0)
        return broken(item.path);
      continue;
    }
    uint64_t copied = 0;
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      auto count = static_cast<size_t>(in.gcount());
      if (count > 0 && archive_write_data(writer.get(), buffer.data(), count) < 0) return broken(item.path);
      copied += count;
    }
    if (in.bad() || copied != size)
      return fail(ErrorCode::failure,
                  fmt::format("cannot read {}: it changed while being archived", item.source.string()));
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) return broken("finishing");
  if (::fsync(file.fd) != 0)
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
  return {};
}

} // namespace

Status write_tar_file(const fs::path& archive, const std::vector<LayoutFile>& files) {
  if (archive.has_parent_path()) MK_TRY(core::ensure_directory(archive.parent_path()));
  auto part = archive;
  part += ".download";
  auto status = write_all(part, files);
  if (status) {
    std::error_code ec;
    fs::rename(part, archive, ec);
    if (!ec) return {};
    status =
        fail(ErrorCode::failure, fmt::format("cannot move {} into place: {}", part.string(), ec.message()));
  }
  std::error_code ignored;
  fs::remove(part, ignored);
  return status;
}

} // namespace mk::registry
