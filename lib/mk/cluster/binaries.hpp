// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/mirror/plan.hpp"
#include "mk/net/download.hpp"
#include "mk/ui/transfers.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace mk::cluster {

// Makes sure `file` is in `directory` (executable), downloaded from its URL and checked against the sha256
// published at its checksum URL. A cached copy whose recorded sha256 (<name>.sha256 beside it) still matches
// is used without any network request. Returns its path.
Result<std::filesystem::path>
ensure_binary(const mirror::RemoteFile& file, const std::filesystem::path& directory,
              const std::function<void(const net::DownloadProgress&)>& progress = {});

// Whether every binary of `binaries` is in `directory` with its recorded checksum still matching (no
// request).
bool binaries_cached(const std::vector<mirror::RemoteFile>& binaries, const std::filesystem::path& directory);

// Makes sure every binary of `binaries` is in `directory` (see ensure_binary), downloading them in parallel
// and showing each transfer.
Status ensure_binaries(const std::vector<mirror::RemoteFile>& binaries,
                       const std::filesystem::path& directory, ui::Transfers& transfers);

} // namespace mk::cluster
