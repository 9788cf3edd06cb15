// SPDX-License-Identifier: Apache-2.0
#include "mk/archive/tar.hpp"

#include "mk/core/fs.hpp"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace mk::archive {

namespace {
struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t append_to_string(struct archive*, void* user, const void* buffer, size_t length) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}
} // namespace

Result<std::string> make_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  std::unique_ptr<struct archive, ArchiveDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  if (archive_write_open(writer.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
    return fail(ErrorCode::failure,
                fmt::format("cannot create a tar stream: {}", archive_error_string(writer.get())));
  auto now = std::time(nullptr);
  auto add = [&](const TarEntry& file) -> Status {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), file.path.c_str());
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_mtime(entry.get(), now, 0);
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), static_cast<mode_t>(file.mode));
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.content.size()));
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(writer.get(), file.content.data(), file.content.size()) < 0)
      return fail(ErrorCode::failure, fmt::format("cannot add {} to a tar stream: {}", file.path,
                                                  archive_error_string(writer.get())));
    return {};
  };
  for (const auto& entry : entries)
    MK_TRY(add(entry));
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    return fail(ErrorCode::failure,
                fmt::format("cannot finish a tar stream: {}", archive_error_string(writer.get())));
  return out;
}

namespace {
struct ReadArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
} // namespace

namespace {
// Closes a file descriptor on scope exit unless released.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

Status write_all(const std::filesystem::path& part, const std::vector<TarFile>& files, bool lz4) {
  FdGuard file{::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (file.fd < 0)
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
  std::unique_ptr<struct archive, ArchiveDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  auto broken = [&](std::string_view what) {
    return fail(ErrorCode::failure, fmt::format("cannot write {}: {}: {}", part.string(), what,
                                                archive_error_string(writer.get())));
  };
  if (lz4 && archive_write_add_filter_lz4(writer.get()) != ARCHIVE_OK) return broken("lz4");
  if (archive_write_open_fd(writer.get(), file.fd) != ARCHIVE_OK) return broken("opening");
  auto now = std::time(nullptr);
  std::vector<char> buffer(1 << 16);
  for (const auto& item : files) {
    uint64_t size = item.content.size();
    std::ifstream in;
    if (!item.source.empty()) {
      std::error_code ec;
      size = std::filesystem::file_size(item.source, ec);
      in.open(item.source, std::ios::binary);
      if (ec || !in) return fail(ErrorCode::failure, fmt::format("cannot read {}", item.source.string()));
    }
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), item.name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), static_cast<mode_t>(item.mode));
    archive_entry_set_mtime(entry.get(), now, 0);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) return broken(item.name);
    if (item.source.empty()) {
      if (archive_write_data(writer.get(), item.content.data(), item.content.size()) < 0)
        return broken(item.name);
      continue;
    }
    uint64_t copied = 0;
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      auto count = static_cast<size_t>(in.gcount());
      if (count > 0 && archive_write_data(writer.get(), buffer.data(), count) < 0) return broken(item.name);
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

Status write_tar_file(const std::filesystem::path& archive, const std::vector<TarFile>& files, bool lz4) {
  if (archive.has_parent_path()) MK_TRY(core::ensure_directory(archive.parent_path()));
  auto part = archive;
  part += ".download";
  auto status = write_all(part, files, lz4);
  if (status) {
    std::error_code ec;
    std::filesystem::rename(part, archive, ec);
    if (!ec) return {};
    status =
        fail(ErrorCode::failure, fmt::format("cannot move {} into place: {}", part.string(), ec.message()));
  }
  std::error_code ignored;
  std::filesystem::remove(part, ignored);
  return status;
}

Result<std::vector<std::string>> extract_tar_file(const std::filesystem::path& in,
                                                  const std::filesystem::path& destination) {
  std::unique_ptr<struct archive, ReadArchiveDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_all(reader.get());
  if (archive_read_open_filename(reader.get(), in.c_str(), 1 << 20) != ARCHIVE_OK)
    return fail(ErrorCode::failure,
                fmt::format("cannot read {}: {}", in.string(), archive_error_string(reader.get())));
  std::vector<std::string> names;
  archive_entry* entry = nullptr;
  std::vector<char> buffer(1 << 20);
  int status;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(entry);
    std::filesystem::path relative(name);
    bool escapes = relative.is_absolute() ||
                   std::any_of(relative.begin(), relative.end(), [](const auto& p) { return p == ".."; });
    if (escapes)
      return fail(ErrorCode::failure, fmt::format("{} holds an unsafe path: {}", in.string(), name));
    auto target = destination / relative;
    std::filesystem::create_directories(target.parent_path());
    auto temporary = target;
    temporary += ".tmp";
    {
      std::unique_ptr<std::FILE, int (*)(std::FILE*)> output(std::fopen(temporary.c_str(), "wb"),
                                                             &std::fclose);
      if (!output) return fail(ErrorCode::failure, fmt::format("cannot write {}", target.string()));
      la_ssize_t n;
      while ((n = archive_read_data(reader.get(), buffer.data(), buffer.size())) > 0)
        if (std::fwrite(buffer.data(), 1, static_cast<size_t>(n), output.get()) != static_cast<size_t>(n))
          return fail(ErrorCode::failure, fmt::format("cannot write {}", target.string()));
      if (n < 0)
        return fail(ErrorCode::failure,
                    fmt::format("cannot read {}: {}", in.string(), archive_error_string(reader.get())));
    }
    std::error_code ec;
    std::filesystem::rename(temporary, target, ec);
    if (ec)
      return fail(ErrorCode::failure, fmt::format("cannot write {}: {}", target.string(), ec.message()));
    names.push_back(name);
  }
  if (status != ARCHIVE_EOF)
    return fail(ErrorCode::failure,
                fmt::format("cannot read {}: {}", in.string(), archive_error_string(reader.get())));
  return names;
}

} // namespace mk::archive

namespace mk::archive {

namespace {
// The content of the regular file `name` in the opened `reader`, nullopt when it has none or it is larger
// than `max_bytes`.
Result<std::optional<std::string>> find_member(struct archive* reader, std::string_view name,
                                               size_t max_bytes, std::string_view source) {
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader, &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG || name != archive_entry_pathname(entry)) continue;
    if (archive_entry_size(entry) < 0 || static_cast<size_t>(archive_entry_size(entry)) > max_bytes)
      return std::optional<std::string>{};
    std::string content;
    std::vector<char> buffer(64 * 1024);
    la_ssize_t n;
    while ((n = archive_read_data(reader, buffer.data(), buffer.size())) > 0)
      content.append(buffer.data(), static_cast<size_t>(n));
    if (n < 0)
      return fail(ErrorCode::failure,
                  fmt::format("cannot read {} from {}: {}", name, source, archive_error_string(reader)));
    return std::optional(std::move(content));
  }
  if (status != ARCHIVE_EOF)
    return fail(ErrorCode::failure, fmt::format("cannot read {}: {}", source, archive_error_string(reader)));
  return std::optional<std::string>{};
}
} // namespace

Result<std::optional<std::string>> read_tar_member(std::string_view tar, std::string_view name) {
  std::unique_ptr<struct archive, ReadArchiveDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), tar.data(), tar.size()) != ARCHIVE_OK)
    return fail(ErrorCode::failure,
                fmt::format("cannot read a tar stream: {}", archive_error_string(reader.get())));
  return find_member(reader.get(), name, tar.size(), "a tar stream");
}

Result<std::optional<std::string>> read_tar_file_member(const std::filesystem::path& file,
                                                        std::string_view name, size_t max_bytes) {
  std::unique_ptr<struct archive, ReadArchiveDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_all(reader.get());
  if (archive_read_open_filename(reader.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(ErrorCode::failure,
                fmt::format("cannot read {}: {}", file.string(), archive_error_string(reader.get())));
  return find_member(reader.get(), name, max_bytes, file.string());
}

} // namespace mk::archive
