// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/image_cache.hpp"

#include "mk/registry/reference.hpp"

namespace mk::cluster {

std::filesystem::path image_archive_path(const core::Paths& paths, std::string_view image) {
  if (auto reference = registry::parse_reference(image))
    return paths.cache_dir() / "images" / registry::archive_file_name(*reference);
  std::string name(image); // not a reference mk could pull anyway: any distinct name will do
  for (auto& c : name)
    if (c == '/' || c == ':' || c == '@') c = '_';
  return paths.cache_dir() / "images" / (name + ".tar");
}

std::optional<std::filesystem::path> cached_image_archive(const core::Paths& paths, std::string_view image) {
  auto path = image_archive_path(paths, image);
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > 0) return path;
  return std::nullopt;
}

} // namespace mk::cluster
