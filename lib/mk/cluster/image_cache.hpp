// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/paths.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace mk::cluster {

// The cache file of an image archive (an OCI layout tar `ctr images import` accepts):
// MK_HOME/cache/images/<name>.
std::filesystem::path image_archive_path(const core::Paths& paths, std::string_view image);

// The cached archive of `image`, when one is complete.
std::optional<std::filesystem::path> cached_image_archive(const core::Paths& paths, std::string_view image);

} // namespace mk::cluster
