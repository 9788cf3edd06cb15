// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/k8s/version.hpp"
#include "mk/net/download.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace mk::cluster {

// Makes sure the Kubernetes binary `name` of `version` is in `directory` (executable), downloaded from `base`
// (dl.k8s.io layout) and checked against the `.sha256` file published beside it. A cached binary whose recorded
// sha256 (<name>.sha256 beside it) still matches is used without any network request. Returns its path.
Result<std::filesystem::path> ensure_binary(std::string_view base, const k8s::Version& version, std::string_view name,
                                            const std::filesystem::path& directory,
                                            const std::function<void(const net::DownloadProgress&)>& progress = {});

} // namespace mk::cluster
