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
// decides. A definite "not published" (404 or 410) is remembered for a day, so that a later start makes no
// request for it; no answer or any other status means no preload for this run only (nothing is remembered).
// With `ask` false only the cache is looked at (cached, else absent).
PreloadAvailability find_preload(const core::Paths& paths, const mirror::RemoteFile& preload,
                                 bool ask = true);

// Downloads the preload into the cache, checked against the sha256 published beside it, and returns the
// cached path. Only when the mirror definitely publishes no checksum (404 or 410 for the .sha256) is the
// tarball used unverified, with a warning (recorded beside it). When the checksum cannot be fetched otherwise
// (a network error, a server error) it fails with ErrorCode::network and nothing enters the cache.
Result<std::filesystem::path> fetch_preload(const core::Paths& paths, const mirror::RemoteFile& preload,
                                            ui::Reporter& ui, ui::Transfers& transfers);

} // namespace mk::cluster
