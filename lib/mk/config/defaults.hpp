// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/core/paths.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// `mk config`: persistent defaults for `mk start` flags and the default profile, in
// MK_HOME/config/config.json (written atomically). Precedence: a flag on the command line, then the existing
// profile's stored choice, then these defaults, then mk's own.
namespace mk::config {

using Defaults = std::map<std::string, std::string, std::less<>>;

// The keys `mk config` takes: the `mk start` flags' names (driver, cpus, memory, kubernetes-version,
// image-mirror-country, image-repository, registry-mirror, binary-mirror, base-image) and profile.
const std::vector<std::string_view>& default_keys();

// The stored defaults (empty when the file does not exist); an error for a corrupt file.
Result<Defaults> load_defaults(const core::Paths& paths);
Status save_defaults(const core::Paths& paths, const Defaults& defaults);

// Usage error (exit 14) naming the valid keys when `key` is not one of them.
Status check_default_key(std::string_view key);

} // namespace mk::config
