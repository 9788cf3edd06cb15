// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/config/cluster.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/paths.hpp"

#include <functional>
#include <optional>

namespace mk::config {

// Profiles on disk (MK_HOME/profiles/<name>/config.json). Writes are atomic; commands that change a profile
// hold its lock (MK_HOME/locks/<name>.lock) for their whole run. Every name is checked with
// validate_profile_name (usage error otherwise) before a path is built from it, so no call reaches outside
// MK_HOME.
class ProfileStore {
public:
  explicit ProfileStore(core::Paths paths) : m_paths(std::move(paths)) {}

  // The profile, or nullopt when it does not exist. An unreadable or corrupt file is an error, and so is a
  // profile whose own name is not `name` or whose node names are not the profile's (is_node_name_of).
  Result<std::optional<ClusterConfig>> load(std::string_view name) const;
  // Writes the profile atomically (creates its directory); refuses the same names load refuses.
  Status save(const ClusterConfig& config) const;
  // Removes the profile directory; fine when it does not exist.
  Status remove(std::string_view name) const;
  // Names of all profiles, sorted; directories whose name is not a valid profile name are not profiles.
  std::vector<std::string> names() const;
  // Locks profile `name` against other mk processes; waits (calling `on_wait` once) up to `timeout`.
  Result<core::FileLock> lock(std::string_view name, std::chrono::milliseconds timeout,
                              const std::function<void()>& on_wait) const;

  const core::Paths& paths() const { return m_paths; }

private:
  core::Paths m_paths;
};

} // namespace mk::config
