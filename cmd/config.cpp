// SPDX-License-Identifier: Apache-2.0
// `mk config set|get|unset|view` and `mk profile NAME`: persistent defaults (see mk/config/defaults.hpp).
#include "cmd/app.hpp"
#include "mk/config/defaults.hpp"
#include "mk/config/validate.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>

namespace mk::cmd {

namespace {

// The flag field a default fills, by key ("profile" has none).
std::string* field_of(cluster::StartFlags& flags, std::string_view key) {
  if (key == "driver") return &flags.driver;
  if (key == "cpus") return &flags.cpus;
  if (key == "memory") return &flags.memory;
  if (key == "kubernetes-version") return &flags.kubernetes_version;
  if (key == "image-mirror-country") return &flags.image_mirror_country;
  if (key == "image-repository") return &flags.image_repository;
  if (key == "binary-mirror") return &flags.binary_mirror;
  if (key == "base-image") return &flags.base_image;
  return nullptr;
}

// Puts `value` for `key` into `flags` (registry-mirror: a comma-separated list).
void apply(cluster::StartFlags& flags, std::string_view key, const std::string& value) {
  if (key == "registry-mirror") {
    flags.registry_mirrors = core::split(value, ',', true);
    return;
  }
  if (auto* field = field_of(flags, key)) *field = value;
}

bool given(cluster::StartFlags& flags, std::string_view key) {
  if (key == "registry-mirror") return !flags.registry_mirrors.empty();
  auto* field = field_of(flags, key);
  return field && !field->empty();
}

// The value checked the way its flag is: a usage error naming the flag otherwise.
Status check_value(std::string_view key, const std::string& value) {
  if (key == "profile") return config::validate_profile_name(value);
  cluster::StartFlags flags;
  apply(flags, key, value);
  MK_TRY(cluster::validate_start_flags(flags, cluster::detect_host_facts()));
  return {};
}

} // namespace

Result<cluster::StartFlags> flags_with_defaults(App& app, cluster::StartFlags flags) {
  if (MK_TRY(app.env().store.load(flags.profile))) return flags; // an existing cluster keeps its choices
  auto defaults = MK_TRY(config::load_defaults(app.env().paths));
  for (const auto& [key, value] : defaults)
    if (key != "profile" && !given(flags, key)) apply(flags, key, value);
  return flags;
}

Result<int> run_config_set(App& app) {
  const auto& in = app.invocation();
  MK_TRY(config::check_default_key(in.name));
  MK_TRY(check_value(in.name, in.value));
  auto defaults = MK_TRY(config::load_defaults(app.env().paths));
  defaults[in.name] = in.value;
  MK_TRY(config::save_defaults(app.env().paths, defaults));
  if (in.name == "profile")
    fmt::print("mk commands now act on profile \"{}\" when -p is not given.\n", in.value);
  else
    fmt::print("mk start uses {}={} for new clusters unless the flag is given.\n", in.name, in.value);
  return 0;
}

Result<int> run_config_get(App& app) {
  const auto& in = app.invocation();
  MK_TRY(config::check_default_key(in.name));
  auto defaults = MK_TRY(config::load_defaults(app.env().paths));
  auto it = defaults.find(in.name);
  if (it == defaults.end())
    return fail(Error{ErrorCode::not_found,
                      fmt::format("{} is not set", in.name),
                      {},
                      {},
                      fmt::format("set it with: mk config set {} VALUE", in.name)});
  fmt::print("{}\n", it->second);
  return 0;
}

Result<int> run_config_unset(App& app) {
  const auto& in = app.invocation();
  MK_TRY(config::check_default_key(in.name));
  auto defaults = MK_TRY(config::load_defaults(app.env().paths));
  if (defaults.erase(in.name) > 0) MK_TRY(config::save_defaults(app.env().paths, defaults));
  return 0;
}

Result<int> run_config_view(App& app) {
  for (const auto& [key, value] : MK_TRY(config::load_defaults(app.env().paths)))
    fmt::print("- {}: {}\n", key, value);
  return 0;
}

Result<int> run_profile_default(App& app) {
  const auto& in = app.invocation();
  if (in.name.empty()) {
    fmt::print("{}\n", in.profile); // the profile commands act on now
    return 0;
  }
  MK_TRY(config::validate_profile_name(in.name));
  auto defaults = MK_TRY(config::load_defaults(app.env().paths));
  defaults["profile"] = in.name;
  MK_TRY(config::save_defaults(app.env().paths, defaults));
  fmt::print("mk commands now act on profile \"{}\" when -p is not given.\n", in.name);
  return 0;
}

} // namespace mk::cmd
