// SPDX-License-Identifier: Apache-2.0
#include "mk/config/store.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::config {

namespace fs = std::filesystem;

Result<std::optional<ClusterConfig>> ProfileStore::load(std::string_view name) const {
  auto text = core::read_file(m_paths.profile_config(name));
  if (!text) {
    if (text.error().code == ErrorCode::not_found) return std::optional<ClusterConfig>{};
    return fail(std::move(text).error());
  }
  auto config = cluster_from_json_text(*text);
  if (!config)
    return fail(
        std::move(config).error().wrap(fmt::format("reading {}", m_paths.profile_config(name).string())));
  return std::optional<ClusterConfig>(std::move(*config));
}

Status ProfileStore::save(const ClusterConfig& config) const {
  return core::write_file_atomic(m_paths.profile_config(config.name), to_json_text(config), 0600);
}

Status ProfileStore::remove(std::string_view name) const {
  std::error_code ec;
  fs::remove_all(m_paths.profile_dir(name), ec);
  if (ec) return fail(ErrorCode::failure, fmt::format("cannot remove profile {}: {}", name, ec.message()));
  return {};
}

std::vector<std::string> ProfileStore::names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_paths.profiles_dir(), ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "config.json"))
      names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<core::FileLock> ProfileStore::lock(std::string_view name, std::chrono::milliseconds timeout,
                                          const std::function<void()>& on_wait) const {
  auto lock = core::FileLock::acquire(m_paths.profile_lock(name), timeout, on_wait);
  if (!lock && lock.error().code == ErrorCode::conflict)
    return fail(ErrorCode::conflict,
                fmt::format("profile \"{}\" is busy: another mk command is changing it", name));
  return lock;
}

} // namespace mk::config
