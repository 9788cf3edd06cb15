// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"
#include "mk/mirror/plan.hpp"

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace mk::cluster {

// What the cache holds for one Kubernetes version, recorded as mk caches it
// (MK_HOME/cache/versions/<version>.json): the node image and the cached files (paths relative to the cache
// directory: the preload, binaries, image archives and their checksum records).
struct VersionCache {
  std::string version;
  std::string base_image;
  std::set<std::string> files;
};

// Adds `files` (absolute paths inside the cache) and, when not empty, the node image to the record of
// `version`.
Status record_cached(const core::Paths& paths, const std::string& version, const std::string& base_image,
                     const std::vector<std::filesystem::path>& files);

// The same for a start with `driver`: a node image the driver keeps in mk's cache (a VM node image) is
// recorded as one more file.
Status record_cached(const core::Paths& paths, const std::string& version, const driver::Driver& driver,
                     const std::string& base_image, std::vector<std::filesystem::path> files);

// The cache files a plan uses: the preload and its record when `with_preload`, else the binaries with their
// checksums, plus the image archives that exist.
std::vector<std::filesystem::path> plan_cache_files(const core::Paths& paths, const mirror::Plan& plan,
                                                    const std::string& version, bool with_preload);

// One line of `mk cache list`.
struct CacheEntry {
  std::string kind; // "node image", "preload", "binary", "image"
  std::string name;
  std::string version;
  uint64_t bytes = 0;
};
std::vector<CacheEntry> list_cache(const core::Paths& paths);

// `mk cache export FILE --kubernetes-version=V`: one tar file with everything cached for V, the node image
// included (saved from the engine). not_found when nothing is cached for V.
Status export_cache(Env& env, driver::Driver& driver, const std::string& version,
                    const std::filesystem::path& file);

// The manifest of the export `file`, read without extracting anything: usage error unless its version is a
// vX.Y.Z and every file it lists is a relative path inside the cache (no absolute path, no "." or ".."
// component), so an import cannot write outside the cache.
Result<VersionCache> read_export_manifest(const std::filesystem::path& file);

// `mk cache import FILE`: puts an exported version into this machine's cache and the node image into the
// engine. Returns the version. Checks the manifest (read_export_manifest) before it writes anything.
Result<std::string> import_cache(Env& env, driver::Driver& driver, const std::filesystem::path& file);

} // namespace mk::cluster
