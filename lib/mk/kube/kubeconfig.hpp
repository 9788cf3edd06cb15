// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mk::kube {

// The cluster, user and context mk writes for one profile; all three are named `name`.
struct KubeconfigEntry {
  std::string name;
  std::string server;                                                // "https://127.0.0.1:32771"
  std::string certificate_authority, client_certificate, client_key; // file paths; empty ones are not written
  std::string namespace_name = "default";
};

// The file mk writes to: the first non-empty entry of $KUBECONFIG (':'-separated), else ~/.kube/config.
std::filesystem::path kubeconfig_path();

// Pure: the kubeconfig text `existing` (may be empty) with the cluster, user and context `entry.name` added,
// or replaced whole, and current-context set to it when `set_current`. Every other cluster/user/context,
// preferences, extensions, unknown keys and the quoting of scalars are kept (comments are not). failure with
// the reason when `existing` is not a kubeconfig.
Result<std::string> merge_kubeconfig(std::string_view existing, const KubeconfigEntry& entry,
                                     bool set_current);

// Pure: `existing` without the cluster, user and context `name`; current-context is cleared if it was `name`.
// failure when `existing` is not a kubeconfig.
Result<std::string> remove_from_kubeconfig(std::string_view existing, std::string_view name);

// File versions of the above. They hold <file>.lock the way kubectl does (created exclusively, removed
// afterwards; conflict when it stays taken for 5 s), write atomically with mode 0600 and create the parent
// directory (0755). A symlinked `file` is written through to its target. On any error `file` is left
// untouched. Removing from a missing file, or a name it does not have, changes nothing.
Status write_kubeconfig_entry(const std::filesystem::path& file, const KubeconfigEntry& entry,
                              bool set_current);
Status remove_kubeconfig_entry(const std::filesystem::path& file, std::string_view name);

// The server URL of cluster `name` in `file`; nullopt when the file or the cluster does not exist.
Result<std::optional<std::string>> kubeconfig_server(const std::filesystem::path& file,
                                                     std::string_view name);

} // namespace mk::kube
