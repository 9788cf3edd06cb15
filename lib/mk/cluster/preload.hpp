// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/paths.hpp"
#include "mk/mirror/plan.hpp"
#include "mk/ui/transfers.hpp"

#include <filesystem>

namespace mk::cluster {

// Where a preload tarball lives in the cache: MK_HOME/cache/preloaded-tarball/<name>.
std::filesystem::path preload_cache_path(const core::Paths& paths, const mirror::RemoteFile& preload);

// Whether a preload exists for a plan.
enum class PreloadAvailability { cached, remote, absent };

// Looks for the preload: a complete cached copy is used without any request; otherwise a HEAD request
// decides. A missing preload (404, or no answer) is remembered for a day, so that an offline start makes no
// request for it. With `ask` false only the cache is looked at (cached, else absent).
PreloadAvailability find_preload(const core::Paths& paths, const mirror::RemoteFile& preload,
                                 bool ask = true);

// Downloads the preload into the cache, checked against the sha256 published beside it; when none is
// published mk says so (a warning) and records that, and the tarball is used unverified. Returns the cached
// path.
Result<std::filesystem::path> fetch_preload(const core::Paths& paths, const mirror::RemoteFile& preload,
                                            ui::Reporter& ui, ui::Transfers& transfers);

} // namespace mk::cluster
