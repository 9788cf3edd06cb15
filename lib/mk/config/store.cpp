// SPDX-License-Identifier: Apache-2.0
#include "mk/config/store.hpp"

#include "mk/config/validate.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::config {

namespace fs = std::filesystem;

namespace {

// The names in `config` that later become paths and engine object names: its own and its nodes'.
Status check_names(const ClusterConfig& config, std::string_view name) {
  if (config.name != name)
    return fail(ErrorCode::failure,
                fmt::format("the profile is named \"{}\", not \"{}\" like its directory", config.name, name));
  for (const auto& node : config.nodes)
    if (!is_node_name_of(name, node.name))
      return fail(ErrorCode::failure,
                  fmt::format("node \"{}\" is not a node name of profile \"{}\" ({} or {}-mNN)", node.name,
                              name, name, name));
  return {};
}

} // namespace

Result<std::optional<ClusterConfig>> ProfileStore::load(std::string_view name) const {
  MK_TRY(validate_profile_name(name));
  auto file = m_paths.profile_config(name);
  auto text = core::read_file(file);
  if (!text) {
    if (text.error().code == ErrorCode::not_found) return std::optional<ClusterConfig>{};
    return fail(std::move(text).error());
  }
  auto config = cluster_from_json_text(*text);
  if (!config) return fail(std::move(config).error().wrap(fmt::format("reading {}", file.string())));
  if (auto names = check_names(*config, name); !names)
    return fail(std::move(names)
                    .error()
                    .wrap(fmt::format("reading {}", file.string()))
                    .with_advice(fmt::format("mk did not write this profile; correct or remove {}",
                                             m_paths.profile_dir(name).string())));
  return std::optional<ClusterConfig>(std::move(*config));
}

Status ProfileStore::save(const ClusterConfig& config) const {
  MK_TRY(validate_profile_name(config.name));
  MK_TRY(check_names(config, config.name));
  return core::write_file_atomic(m_paths.profile_config(config.name), to_json_text(config), 0600);
}

Status ProfileStore::remove(std::string_view name) const {
  MK_TRY(validate_profile_name(name));
  std::error_code ec;
  fs::remove_all(m_paths.profile_dir(name), ec);
  if (ec) return fail(ErrorCode::failure, fmt::format("cannot remove profile {}: {}", name, ec.message()));
  return {};
}

std::vector<std::string> ProfileStore::names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_paths.profiles_dir(), ec)) {
    auto name = entry.path().filename().string();
    if (entry.is_directory() && validate_profile_name(name) && fs::exists(entry.path() / "config.json"))
      names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<core::FileLock> ProfileStore::lock(std::string_view name, std::chrono::milliseconds timeout,
                                          const std::function<void()>& on_wait) const {
  MK_TRY(validate_profile_name(name));
  auto lock = core::FileLock::acquire(m_paths.profile_lock(name), timeout, on_wait);
  if (!lock && lock.error().code == ErrorCode::conflict)
    return fail(ErrorCode::conflict,
                fmt::format("profile \"{}\" is busy: another mk command is changing it", name));
  return lock;
}

} // namespace mk::config
