// SPDX-License-Identifier: Apache-2.0
#include "mk/config/defaults.hpp"

#include "mk/core/fs.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::config {

const std::vector<std::string_view>& default_keys() {
  static const std::vector<std::string_view> keys = {"profile",
                                                     "driver",
                                                     "cpus",
                                                     "memory",
                                                     "kubernetes-version",
                                                     "image-mirror-country",
                                                     "image-repository",
                                                     "registry-mirror",
                                                     "binary-mirror",
                                                     "base-image"};
  return keys;
}

static std::filesystem::path defaults_file(const core::Paths& paths) {
  return paths.home() / "config" / "config.json";
}

Status check_default_key(std::string_view key) {
  const auto& keys = default_keys();
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return {};
  std::string valid;
  for (auto k : keys)
    valid += (valid.empty() ? "" : ", ") + std::string(k);
  return fail(Error{ErrorCode::usage,
                    fmt::format("unknown config key \"{}\"", key),
                    {},
                    {},
                    fmt::format("valid keys: {}", valid)});
}

Result<Defaults> load_defaults(const core::Paths& paths) {
  auto file = defaults_file(paths);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Defaults{};
  auto text = MK_TRY(core::read_file(file));
  auto document = nlohmann::json::parse(text, nullptr, false);
  if (!document.is_object())
    return fail(ErrorCode::failure, fmt::format("{} is not a JSON object; fix or remove it", file.string()));
  Defaults defaults;
  for (const auto& [key, value] : document.items())
    if (value.is_string()) defaults[key] = value.get<std::string>();
  return defaults;
}

Status save_defaults(const core::Paths& paths, const Defaults& defaults) {
  auto file = defaults_file(paths);
  MK_TRY(core::ensure_directory(file.parent_path(), 0700));
  nlohmann::json document = nlohmann::json::object();
  for (const auto& [key, value] : defaults)
    document[key] = value;
  return core::write_file_atomic(file, document.dump(2) + "\n", 0600);
}

} // namespace mk::config
