// SPDX-License-Identifier: Apache-2.0
#include "mk/archive/tar.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <memory>
#include <ctime>

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
    return fail(ErrorCode::failure, fmt::format("cannot create a tar stream: {}", archive_error_string(writer.get())));
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
      return fail(ErrorCode::failure,
                  fmt::format("cannot add {} to a tar stream: {}", file.path, archive_error_string(writer.get())));
    return {};
  };
  for (const auto& entry : entries) MK_TRY(add(entry));
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    return fail(ErrorCode::failure, fmt::format("cannot finish a tar stream: {}", archive_error_string(writer.get())));
  return out;
}

} // namespace mk::archive
