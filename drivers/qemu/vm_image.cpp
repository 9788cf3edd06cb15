// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/vm_image.hpp"

#include "mk/archive/tar.hpp"
#include "mk/core/fs.hpp"
#include "mk/net/download.hpp"
#include "mk/ui/transfers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::drivers::qemu {

namespace fs = std::filesystem;

namespace {
constexpr const char* k_manifest = "manifest.json";

bool is_url(std::string_view location) {
  return location.starts_with("http://") || location.starts_with("https://");
}

std::string file_name_of(std::string_view location) {
  auto slash = location.find_last_of('/');
  return std::string(slash == std::string_view::npos ? location : location.substr(slash + 1));
}

fs::path vm_cache(const core::Paths& paths) {
  return paths.cache_dir() / "vm";
}

fs::path unpacked_dir(const fs::path& archive) {
  auto name = archive.filename().string();
  if (name.ends_with(".tar")) name.resize(name.size() - 4);
  return archive.parent_path() / name;
}

Result<VmImage> read_manifest(const fs::path& directory) {
  auto text = core::read_file(directory / k_manifest);
  if (!text) return fail(std::move(text).error());
  auto manifest = nlohmann::json::parse(*text, nullptr, false);
  if (!manifest.is_object() || manifest.value("format", 0) != 1)
    return fail(ErrorCode::failure, fmt::format("{} is not a VM node image manifest (format 1)",
                                                (directory / k_manifest).string()));
  VmImage image;
  image.kernel = directory / manifest.value("kernel_file", "vmlinuz");
  image.initrd = directory / manifest.value("initrd_file", "initrd.img");
  image.base_disk = directory / manifest.value("disk_file", "base.qcow2");
  image.recipe = manifest.value("recipe", "");
  image.kernel_version = manifest.value("kernel", "");
  for (const auto& part : {image.kernel, image.initrd, image.base_disk})
    if (!fs::is_regular_file(part))
      return fail(ErrorCode::failure, fmt::format("the VM node image lacks {}", part.filename().string()));
  return image;
}

// Unpacks `archive` next to itself (into a temporary directory renamed into place when complete).
Result<VmImage> unpack(const fs::path& archive) {
  auto directory = unpacked_dir(archive);
  if (auto image = read_manifest(directory)) return image;
  auto staging = fs::path(directory.string() + ".unpack");
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::remove_all(directory, ec);
  MK_TRY(archive::extract_tar_file(archive, staging));
  auto image = read_manifest(staging);
  if (!image) {
    fs::remove_all(staging, ec);
    return fail(std::move(image).error().wrap(fmt::format("{} is not a VM node image", archive.string())));
  }
  // node disks are overlays on the base: it must never change
  fs::permissions(staging / image->base_disk.filename(),
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
  fs::rename(staging, directory, ec);
  if (ec)
    return fail(ErrorCode::failure,
                fmt::format("cannot unpack the VM node image into {}: {}", directory.string(), ec.message()));
  return read_manifest(directory);
}

Result<std::string> published_checksum(std::string_view location) {
  if (!is_url(location)) {
    auto beside = core::read_file(std::string(location) + ".sha256");
    if (!beside) return std::string(); // a local file without a checksum is the user's own
    return net::parse_sha256_file(*beside);
  }
  auto url = std::string(location) + ".sha256";
  auto response = net::http_get({url});
  if (!response) return fail(std::move(response).error().wrap("cannot fetch the VM node image's checksum"));
  if (response->head.status != 200)
    return fail(ErrorCode::network, fmt::format("cannot fetch the VM node image's checksum {}: the server "
                                                "answered {}",
                                                url, response->head.status));
  return net::parse_sha256_file(response->body);
}
} // namespace

fs::path cached_archive(const core::Paths& paths, std::string_view location) {
  return vm_cache(paths) / file_name_of(location);
}

Result<std::optional<VmImage>> cached_image(const core::Paths& paths, std::string_view location) {
  auto image = read_manifest(unpacked_dir(cached_archive(paths, location)));
  if (!image) return std::optional<VmImage>();
  return std::optional<VmImage>(std::move(*image));
}

Result<VmImage> ensure_image(const core::Paths& paths, std::string_view location,
                             const driver::ProgressFn& progress) {
  if (auto cached = MK_TRY(cached_image(paths, location))) return *cached;
  auto archive = cached_archive(paths, location);
  MK_TRY(core::ensure_directory(archive.parent_path(), 0755));
  auto lock = MK_TRY(
      core::FileLock::acquire(fs::path(archive.string() + ".unpack-lock"), std::chrono::minutes(10), [] {}));
  if (auto cached = MK_TRY(cached_image(paths, location))) return *cached;
  // an archive in the cache was verified when it was downloaded (or came with `mk cache import`)
  if (fs::exists(archive))
    if (auto image = unpack(archive)) return image;
  auto expected = MK_TRY(published_checksum(location));
  if (is_url(location)) {
    net::DownloadOptions options;
    options.expected_sha256 = expected;
    options.progress = [&, name = file_name_of(location)](const net::DownloadProgress& p) {
      if (progress && p.total && p.received == *p.total)
        progress(fmt::format("downloaded {} ({})", name, ui::Transfers::bytes(p.received)));
    };
    MK_TRY(net::download_file(std::string(location), archive, options));
  } else {
    if (!expected.empty()) {
      auto actual = MK_TRY(net::sha256_of_file(location));
      if (actual != expected)
        return fail(ErrorCode::checksum, fmt::format("{} does not match its checksum: expected {}, got {}",
                                                     std::string(location), expected, actual));
    }
    std::error_code ec;
    fs::copy_file(location, archive, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return fail(ErrorCode::failure,
                  fmt::format("cannot copy {} into the cache: {}", std::string(location), ec.message()));
  }
  return unpack(archive);
}

Status save_archive(const core::Paths& paths, std::string_view location, const fs::path& destination) {
  std::error_code ec;
  fs::copy_file(cached_archive(paths, location), destination, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return fail(ErrorCode::failure,
                fmt::format("cannot save the VM node image {}: {}", std::string(location), ec.message()));
  return {};
}

Status load_archive(const core::Paths& paths, const fs::path& archive) {
  auto manifest_text = MK_TRY(archive::read_tar_file_member(archive, k_manifest, 1 << 16));
  auto manifest = nlohmann::json::parse(manifest_text.value_or(""), nullptr, false);
  if (!manifest.is_object() || manifest.value("recipe", "").empty())
    return fail(ErrorCode::usage, fmt::format("{} is not a VM node image", archive.string()));
  auto target = vm_cache(paths) / fmt::format("mk-node-vm-{}-amd64.tar", manifest.value("recipe", ""));
  MK_TRY(core::ensure_directory(target.parent_path(), 0755));
  std::error_code ec;
  fs::copy_file(archive, target, fs::copy_options::overwrite_existing, ec);
  if (ec) return fail(ErrorCode::failure, fmt::format("cannot copy {}: {}", archive.string(), ec.message()));
  MK_TRY(unpack(target));
  return {};
}

} // namespace mk::drivers::qemu
