// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/cache.hpp"

#include "mk/archive/tar.hpp"
#include "mk/cluster/image_cache.hpp"
#include "mk/cluster/preload.hpp"
#include "mk/core/fs.hpp"
#include "mk/k8s/version.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace mk::cluster {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
constexpr const char* k_manifest_name = "mk-cache.json";
constexpr const char* k_node_image_name = "node-image.tar";

fs::path record_path(const core::Paths& paths, std::string_view version) {
  return paths.cache_dir() / "versions" / (std::string(version) + ".json");
}

VersionCache from_json(const json& document) {
  VersionCache cache;
  cache.version = document.value("version", "");
  cache.base_image = document.value("base_image", "");
  for (const auto& file : document.value("files", json::array()))
    cache.files.insert(file.get<std::string>());
  return cache;
}

json to_json(const VersionCache& cache) {
  return {
      {"format", 1}, {"version", cache.version}, {"base_image", cache.base_image}, {"files", cache.files}};
}

Result<VersionCache> load(const core::Paths& paths, std::string_view version) {
  auto text = core::read_file(record_path(paths, version));
  if (!text) return VersionCache{std::string(version), {}, {}};
  auto document = json::parse(*text, nullptr, false);
  if (document.is_discarded())
    return fail(ErrorCode::failure, fmt::format("{} is corrupt", record_path(paths, version).string()));
  return from_json(document);
}

// Whether `relative` names a file inside the cache directory: a relative path of plain components (none is
// empty, "." or "..").
bool stays_inside_cache(std::string_view relative) {
  if (relative.empty() || relative.starts_with('/')) return false;
  size_t start = 0;
  while (start <= relative.size()) {
    auto end = std::min(relative.find('/', start), relative.size());
    auto component = relative.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") return false;
    start = end + 1;
  }
  return true;
}

// The manifest text of the export `file`, read from the archive without extracting anything.
Result<std::string> read_manifest_text(const fs::path& file) {
  auto text = archive::read_tar_file_member(file, k_manifest_name, 16 << 20);
  if (!text || !*text)
    return fail(ErrorCode::usage, fmt::format("{} is not a cache exported by mk (no valid {})", file.string(),
                                              k_manifest_name));
  return std::move(**text);
}

Status merge_record(const core::Paths& paths, const VersionCache& added) {
  auto lock = MK_TRY(core::FileLock::acquire(paths.locks_dir() / "cache-record.lock", 1min, [] {}));
  auto cache = MK_TRY(load(paths, added.version));
  if (!added.base_image.empty()) cache.base_image = added.base_image;
  cache.files.insert(added.files.begin(), added.files.end());
  return core::write_file_atomic(record_path(paths, added.version), to_json(cache).dump(2) + "\n");
}
} // namespace

Result<VersionCache> read_export_manifest(const fs::path& file) {
  auto text = MK_TRY(read_manifest_text(file));
  auto invalid = [&](std::string_view why) {
    return fail(ErrorCode::usage, fmt::format("{} is not a valid cache export: {}", file.string(), why));
  };
  auto document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object() || document.value("format", json()) != 1)
    return invalid(fmt::format("its {} is not format 1", k_manifest_name));
  auto field = [&](const char* name) { return document.value(name, json()); };
  auto base_image = document.value("base_image", json(""));
  if (!field("version").is_string() || !base_image.is_string() || !field("files").is_array())
    return invalid(fmt::format("its {} lacks a version or a list of files", k_manifest_name));
  VersionCache cache{field("version").get<std::string>(), base_image.get<std::string>(), {}};
  auto version = k8s::parse_version(cache.version);
  if (!version || version->to_string() != cache.version)
    return invalid(fmt::format("version \"{}\" is not of the form vX.Y.Z", cache.version));
  for (const auto& entry : field("files")) {
    if (!entry.is_string()) return invalid("a file name is not a string");
    auto relative = entry.get<std::string>();
    if (!stays_inside_cache(relative))
      return invalid(fmt::format("file \"{}\" would be written outside the cache directory", relative));
    cache.files.insert(std::move(relative));
  }
  return cache;
}

Status record_cached(const core::Paths& paths, const std::string& version, const std::string& base_image,
                     const std::vector<fs::path>& files) {
  VersionCache added{version, base_image, {}};
  for (const auto& file : files)
    added.files.insert(fs::relative(file, paths.cache_dir()).string());
  return merge_record(paths, added);
}

std::vector<fs::path> plan_cache_files(const core::Paths& paths, const mirror::Plan& plan,
                                       const std::string& version, bool with_preload) {
  std::vector<fs::path> files;
  if (with_preload) {
    auto tarball = preload_cache_path(paths, plan.preload);
    files = {tarball, fs::path(tarball.string() + ".record")};
  } else {
    auto directory = paths.binaries_cache(version);
    for (const auto& binary : plan.binaries) {
      files.push_back(directory / binary.name);
      files.push_back(directory / (binary.name + ".sha256"));
    }
  }
  for (const auto& image : plan.images)
    if (auto archive = cached_image_archive(paths, image)) files.push_back(*archive);
  for (const auto& image : plan.addon_images)
    if (auto archive = cached_image_archive(paths, image)) files.push_back(*archive);
  return files;
}

Status record_cached(const core::Paths& paths, const std::string& version, const driver::Driver& driver,
                     const std::string& base_image, std::vector<fs::path> files) {
  if (auto file = driver.image_cache_file(base_image)) {
    files.push_back(*file);
    return record_cached(paths, version, "", files);
  }
  return record_cached(paths, version, base_image, files);
}

std::vector<CacheEntry> list_cache(const core::Paths& paths) {
  std::vector<CacheEntry> entries;
  std::error_code ec;
  for (const auto& record : fs::directory_iterator(paths.cache_dir() / "versions", ec)) {
    auto cache = load(paths, record.path().stem().string());
    if (!cache) continue;
    if (!cache->base_image.empty()) entries.push_back({"node image", cache->base_image, cache->version, 0});
    for (const auto& file : cache->files) {
      auto path = paths.cache_dir() / file;
      auto size = fs::file_size(path, ec);
      if (ec) continue; // removed since
      auto name = path.filename().string();
      if (name.ends_with(".sha256") || name.ends_with(".record")) continue;
      auto top = file.substr(0, file.find('/'));
      std::string kind = top == "preloaded-tarball" ? "preload"
                         : top == "images"          ? "image"
                         : top == "vm"              ? "vm image"
                                                    : "binary";
      entries.push_back({kind, name, cache->version, size});
    }
  }
  return entries;
}

Status export_cache(Env& env, driver::Driver& driver, const std::string& version, const fs::path& file) {
  auto cache = MK_TRY(load(env.paths, version));
  std::vector<archive::TarFile> files;
  for (const auto& relative : cache.files)
    if (fs::exists(env.paths.cache_dir() / relative))
      files.push_back({"cache/" + relative, {}, env.paths.cache_dir() / relative});
  if (files.empty())
    return fail(Error{
        ErrorCode::not_found,
        fmt::format("nothing is cached for Kubernetes {}", version),
        {},
        {},
        fmt::format("fill the cache first: mk start --download-only --kubernetes-version={}", version)});
  auto staging = env.paths.cache_dir() / "export.tmp";
  fs::create_directories(staging);
  auto cleanup = [&] {
    std::error_code ec;
    fs::remove_all(staging, ec);
  };
  if (!cache.base_image.empty()) {
    if (auto saved = driver.save_image(cache.base_image, staging / k_node_image_name); !saved) {
      cleanup();
      return saved;
    }
    files.push_back({k_node_image_name, {}, staging / k_node_image_name});
  }
  files.insert(files.begin(), {k_manifest_name, to_json(cache).dump(2) + "\n", {}});
  auto written = archive::write_tar_file(file, files);
  cleanup();
  return written;
}

Result<std::string> import_cache(Env& env, driver::Driver& driver, const fs::path& file) {
  auto cache = MK_TRY(read_export_manifest(file));
  auto staging = env.paths.cache_dir() / "import.tmp";
  std::error_code ec;
  fs::remove_all(staging, ec);
  auto cleanup = [&] { fs::remove_all(staging, ec); };
  auto extracted = archive::extract_tar_file(file, staging);
  if (!extracted) {
    cleanup();
    return fail(std::move(extracted).error());
  }
  for (const auto& relative : cache.files) {
    auto from = staging / "cache" / relative;
    if (!fs::exists(from)) continue;
    fs::create_directories((env.paths.cache_dir() / relative).parent_path());
    fs::rename(from, env.paths.cache_dir() / relative, ec);
    if (ec) {
      cleanup();
      return fail(ErrorCode::failure, fmt::format("cannot import {}: {}", relative, ec.message()));
    }
  }
  if (fs::exists(staging / k_node_image_name))
    if (auto loaded = driver.load_image(staging / k_node_image_name); !loaded) {
      cleanup();
      return fail(std::move(loaded).error());
    }
  cleanup();
  MK_TRY(merge_record(env.paths, cache));
  return cache.version;
}

} // namespace mk::cluster
