// SPDX-License-Identifier: Apache-2.0
// `mk addons list|enable|disable|images` and `mk dashboard`.
#include "mk/cluster/addons.hpp"

#include "cmd/app.hpp"
#include "cmd/table.hpp"
#include "mk/cluster/kubectl.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/child.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cmd {

namespace {

// "ROLE=VALUE,..." of `flag` as a map; usage error for an entry without '='.
Result<std::map<std::string, std::string>> role_map(const std::string& text, std::string_view flag) {
  std::map<std::string, std::string> map;
  for (const auto& entry : core::split(text, ',', true)) {
    auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0)
      return fail(ErrorCode::usage, fmt::format("{}: \"{}\" is not ROLE=VALUE", flag, entry));
    map[std::string(core::trim(entry.substr(0, equals)))] = std::string(core::trim(entry.substr(equals + 1)));
  }
  return map;
}

// "90s", "6m", "1h" or plain seconds.
Result<std::chrono::seconds> parse_duration(const std::string& text) {
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, text.data() + text.size());
  long factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (error != std::errc() || end == text.data() || factor == 0 || value <= 0)
    return fail(ErrorCode::usage,
                fmt::format("--wait-timeout: \"{}\" is not a duration such as 90s or 6m", text));
  return std::chrono::seconds(value * factor);
}

Result<int> change(App& app, bool enable) {
  const auto& in = app.invocation();
  cluster::AddonChange request{in.name, enable, {}, {}, std::chrono::seconds(0)};
  if (enable) {
    request.images = MK_TRY(role_map(in.images, "--images"));
    request.registries = MK_TRY(role_map(in.registries, "--registries"));
    if (in.wait) request.wait = MK_TRY(parse_duration(in.wait_timeout));
  }
  MK_TRY(addons::find_addon(in.name)); // an unknown addon is a usage error before the profile is looked at
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto outcome = MK_TRY(cluster::change_addon(app.env(), *driver, in.profile, request));
  auto verb = enable ? "enabled" : "disabled";
  if (outcome == cluster::AddonOutcome::applied)
    fmt::print("Addon {} is {} in cluster {}.\n", in.name, verb, in.profile);
  else
    fmt::print("Addon {} will be {} when cluster {} starts (it is not running).\n", in.name, verb,
               in.profile);
  return 0;
}

} // namespace

Result<int> run_addons_list(App& app) {
  const auto& profile = app.invocation().profile;
  auto rows = MK_TRY(cluster::list_addons(app.env(), profile));
  if (app.invocation().output == "json") {
    auto document = nlohmann::ordered_json::object();
    for (const auto& row : rows)
      document[row.name] = {{"Profile", profile},
                            {"Status", row.enabled ? "enabled" : "disabled"},
                            {"Description", row.description},
                            {"Images", row.images}};
    fmt::print("{}\n", document.dump());
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"ADDON", "PROFILE", "STATUS", "IMAGES"}};
  for (const auto& row : rows) {
    std::string images;
    for (const auto& image : row.images)
      images += (images.empty() ? "" : ", ") + image;
    table.push_back({row.name, profile, row.enabled ? "enabled" : "disabled", images.empty() ? "-" : images});
  }
  print_table(table);
  return 0;
}

Result<int> run_addons_enable(App& app) {
  return change(app, true);
}

Result<int> run_addons_disable(App& app) {
  return change(app, false);
}

Result<int> run_addons_images(App& app) {
  auto rows = MK_TRY(cluster::addon_images(app.env(), app.invocation().profile, app.invocation().name));
  if (rows.empty()) {
    fmt::print("Addon {} has no images.\n", app.invocation().name);
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"ROLE", "IMAGE", "REGISTRY"}};
  for (const auto& row : rows)
    table.push_back({row.role, row.reference, row.registry});
  print_table(table);
  return 0;
}

Result<int> run_dashboard(App& app) {
  const auto& profile = app.invocation().profile;
  auto config = MK_TRY(app.env().store.load(profile));
  if (!config) return fail(cluster::profile_not_found(profile));
  auto enabled = MK_TRY(cluster::enabled_addons(*config));
  if (std::none_of(enabled.begin(), enabled.end(), [](const auto& a) { return a.name == "dashboard"; }))
    return fail(Error{ErrorCode::usage,
                      fmt::format("the dashboard addon is not enabled in cluster {}", profile),
                      {},
                      {},
                      fmt::format("enable it first: mk addons enable dashboard -p {}", profile)});
  auto* driver = MK_TRY(app.driver_for_profile(profile));
  if (MK_TRY(driver->inspect_node(config->primary()->name)).state != driver::State::running)
    return fail(cluster::not_running(profile));
  auto argv =
      MK_TRY(cluster::kubectl_command(app.env(), profile, {"proxy", "--port=0", "--address=127.0.0.1"}));
  auto proxy = MK_TRY(exec::Child::spawn(argv));
  // kubectl prints "Starting to serve on 127.0.0.1:<port>" once it listens
  std::string port;
  while (auto line = proxy.read_line(std::chrono::seconds(30))) {
    if (auto colon = line->rfind(':');
        line->starts_with("Starting to serve on") && colon != std::string::npos) {
      port = core::trim(line->substr(colon + 1));
      break;
    }
  }
  if (port.empty())
    return fail(ErrorCode::kubernetes_failed,
                fmt::format("kubectl proxy did not start: {}", exec::shell_quote(argv)));
  auto url = fmt::format(
      "http://127.0.0.1:{}/api/v1/namespaces/kubernetes-dashboard/services/http:kubernetes-dashboard:/proxy/",
      port);
  fmt::print("{}\n", url);
  std::fflush(stdout);
  if (!app.invocation().url && !exec::open_in_browser(url))
    fmt::print(stderr, "No browser is configured ($BROWSER or xdg-open): open the URL above yourself.\n");
  fmt::print(stderr, "The proxy serves the dashboard until you press Ctrl-C.\n");
  int code = proxy.forward_and_wait();
  if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
  if (code != 0)
    return fail(ErrorCode::kubernetes_failed, fmt::format("kubectl proxy ended with exit code {}", code));
  return 0;
}

} // namespace mk::cmd
