// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/addons.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/nodes.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/node_files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>

namespace mk::cluster {

using namespace std::chrono_literals;
using json = nlohmann::json;

Result<std::vector<NodeFile>> addon_files(const config::ClusterConfig& config,
                                          const std::vector<addons::Addon>& chosen) {
  std::vector<NodeFile> files;
  auto sources = addon_image_sources(config);
  for (const auto& addon : chosen)
    for (const auto& manifest : MK_TRY(addons::render(addon, sources)))
      files.push_back({fmt::format("{}/{}", kube::k_addons_dir, manifest.file), manifest.text, 0640});
  return files;
}

Status apply_addon_files(exec::Runner& node, const k8s::Version& version, const std::vector<NodeFile>& files,
                         std::chrono::seconds patience) {
  if (files.empty()) return {};
  auto apply = admin_kubectl(version, {"apply"});
  for (const auto& file : files)
    apply.argv.insert(apply.argv.end(), {"-f", file.path});
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
    auto result = MK_TRY(node.run(apply));
    if (result.ok()) return {};
    if (std::chrono::steady_clock::now() >= deadline)
      return fail(
          exec::command_error(result, "cannot apply the addons' manifests", ErrorCode::kubernetes_failed));
    std::this_thread::sleep_for(1s);
  }
}

Status delete_addon_files(exec::Runner& node, const k8s::Version& version,
                          const std::vector<std::string>& paths) {
  if (paths.empty()) return {};
  // arguments: the kubectl command line, "--", then the files; only the files that exist are deleted
  static constexpr const char* k_script = R"sh(set -e
kubectl=
while [ "$1" != -- ]; do kubectl="$kubectl $1"; shift; done
shift
existing=
for f; do [ -e "$f" ] && existing="$existing -f $f"; done
[ -n "$existing" ] || exit 0
$kubectl $existing
rm -f "$@"
)sh";
  exec::Command command{{"sh", "-c", k_script, "mk-addons-delete"}, {}, {}, 120s, {}};
  for (const auto& word : admin_kubectl(version, {"delete", "--ignore-not-found", "--wait=false"}).argv)
    command.argv.push_back(word);
  command.argv.push_back("--");
  command.argv.insert(command.argv.end(), paths.begin(), paths.end());
  MK_TRY(exec::run_checked(node, command, ErrorCode::kubernetes_failed));
  return {};
}

Result<std::vector<AddonRow>> list_addons(Env& env, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile)).value_or(config::ClusterConfig{});
  auto sources = addon_image_sources(config);
  std::vector<AddonRow> rows;
  for (const auto& addon : MK_TRY(addons::builtin_addons())) {
    AddonRow row{addon.name, addon.description, addon_enabled(config, addon), {}};
    for (const auto& [role, image] : addon.images)
      row.images.push_back(addons::image_reference(role, image, sources));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<AddonImageRow>> addon_images(Env& env, std::string_view profile, std::string_view name) {
  auto addon = MK_TRY(addons::find_addon(name));
  auto config = MK_TRY(env.store.load(profile)).value_or(config::ClusterConfig{});
  auto sources = addon_image_sources(config);
  std::vector<AddonImageRow> rows;
  for (const auto& [role, image] : addon.images) {
    auto reference = addons::image_reference(role, image, sources);
    rows.push_back({role, reference, addons::registry_of(reference)});
  }
  return rows;
}

namespace {

// The custom images or registries of `change`, checked against the addon's roles.
Status check_roles(const addons::Addon& addon, const std::map<std::string, std::string>& custom,
                   std::string_view flag) {
  for (const auto& [role, value] : custom) {
    if (value.empty()) return fail(ErrorCode::usage, fmt::format("{}: role {} has no value", flag, role));
    if (addon.images.contains(role)) continue;
    std::string roles;
    for (const auto& [known, image] : addon.images)
      roles += (roles.empty() ? "" : ", ") + known;
    return fail(ErrorCode::usage, fmt::format("{}: addon {} has no image {}; its images: {}", flag,
                                              addon.name, role, roles.empty() ? "(none)" : roles));
  }
  return {};
}

// "reason: message" of a pod's last event, or empty.
std::string last_event(exec::Runner& node, const k8s::Version& version, const std::string& pod_namespace,
                       const std::string& pod) {
  auto listed = node.run(admin_kubectl(
      version,
      {"get", "events", "-n", pod_namespace, "--field-selector", "involvedObject.name=" + pod, "-o", "json"},
      20s));
  if (!listed || !listed->ok()) return {};
  auto document = json::parse(listed->out, nullptr, false);
  if (!document.is_object() || !document.contains("items")) return {};
  std::string latest_time, text;
  for (const auto& event : document["items"]) {
    auto time = event.value("lastTimestamp", json()).is_string() ? event["lastTimestamp"].get<std::string>()
                                                                 : std::string();
    auto message = std::string(core::trim(event.value("message", "")));
    // of events at the same second, the most telling (the pull error rather than "Error: ErrImagePull")
    if (time > latest_time || (time == latest_time && message.size() > text.size())) {
      latest_time = time;
      text = fmt::format("{}: {}", event.value("reason", ""), message);
    }
  }
  return text;
}
} // namespace

Status wait_for_addon_pods(exec::Runner& node, const k8s::Version& version, const addons::Addon& addon,
                           std::chrono::seconds timeout) {
  if (addon.pod_selector.empty()) return {};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string waiting_pod, waiting_state;
  while (true) {
    if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
    auto listed = MK_TRY(node.run(admin_kubectl(
        version, {"get", "pods", "-n", addon.pod_namespace, "-l", addon.pod_selector, "-o", "json"}, 20s)));
    auto document = listed.ok() ? json::parse(listed.out, nullptr, false) : json();
    bool all_ready = false;
    if (document.is_object() && document.contains("items") && !document["items"].empty()) {
      all_ready = true;
      for (const auto& pod : document["items"]) {
        bool ready = false;
        for (const auto& condition : pod["status"].value("conditions", json::array()))
          if (condition.value("type", "") == "Ready") ready = condition.value("status", "") == "True";
        if (ready) continue;
        all_ready = false;
        waiting_pod = pod["metadata"].value("name", "");
        waiting_state = pod["status"].value("phase", "Pending");
        for (const auto& container : pod["status"].value("containerStatuses", json::array()))
          if (container.contains("state") && container["state"].contains("waiting")) {
            const auto& waiting = container["state"]["waiting"];
            waiting_state = fmt::format("{} (image {})", waiting.value("reason", "Waiting"),
                                        container.value("image", "?"));
          }
        break;
      }
    }
    if (all_ready) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      auto seconds = timeout.count();
      if (waiting_pod.empty())
        return fail(ErrorCode::timeout,
                    fmt::format("addon {}: no pod matching {} in namespace {} after {} s", addon.name,
                                addon.pod_selector, addon.pod_namespace, seconds));
      auto event = last_event(node, version, addon.pod_namespace, waiting_pod);
      return fail(ErrorCode::timeout,
                  fmt::format("addon {}: pod {}/{} is not Ready after {} s: {}{}", addon.name,
                              addon.pod_namespace, waiting_pod, seconds, waiting_state,
                              event.empty() ? "" : "; last event " + event));
    }
    std::this_thread::sleep_for(1s);
  }
}

Result<AddonOutcome> change_addon(Env& env, driver::Driver& driver, std::string_view profile,
                                  const AddonChange& change) {
  auto addon = MK_TRY(addons::find_addon(change.name));
  MK_TRY(check_roles(addon, change.images, "--images"));
  MK_TRY(check_roles(addon, change.registries, "--registries"));
  auto lock = MK_TRY(lock_profile(env, profile));
  auto loaded = MK_TRY(env.store.load(profile));
  if (!loaded) return fail(profile_not_found(profile));
  auto config = std::move(*loaded);
  if (!config.kubernetes_enabled)
    return fail(ErrorCode::usage,
                fmt::format("cluster {} runs without Kubernetes: it has no addons", config.name));
  MK_TRY(refuse_paused(config));
  config.addons[addon.name] = change.enable;
  for (const auto& [role, image] : change.images)
    config.custom_addon_images[role] = image;
  for (const auto& [role, registry] : change.registries)
    config.custom_addon_registries[role] = registry;
  const auto* primary = config.primary();
  if (!primary || MK_TRY(driver.inspect_node(primary->name)).state != driver::State::running) {
    MK_TRY(env.store.save(config));
    return AddonOutcome::recorded;
  }
  auto version = MK_TRY(k8s::parse_version(config.kubernetes.version));
  auto runner = driver.node_runner(primary->name);
  auto files = MK_TRY(addon_files(config, {addon}));
  if (change.enable) {
    env.ui.step_started(fmt::format("Enabling addon {}", addon.name));
    auto applied = [&]() -> Status {
      MK_TRY(sync_node_files(*runner, files));
      return apply_addon_files(*runner, version, files, 60s);
    }();
    env.ui.step_finished(applied.has_value());
    if (!applied) return fail(std::move(applied).error());
    MK_TRY(env.store.save(config));
    if (change.wait.count() > 0 && !addon.pod_selector.empty()) {
      env.ui.step_started(fmt::format("Waiting for the pods of addon {}", addon.name));
      auto ready = wait_for_addon_pods(*runner, version, addon, change.wait);
      env.ui.step_finished(ready.has_value());
      if (!ready) return fail(std::move(ready).error());
    }
  } else {
    env.ui.step_started(fmt::format("Disabling addon {}", addon.name));
    std::vector<std::string> paths;
    for (const auto& file : files)
      paths.push_back(file.path);
    // the files are written first so the objects of an addon enabled by an older mk are found too
    auto deleted = [&]() -> Status {
      MK_TRY(sync_node_files(*runner, files));
      return delete_addon_files(*runner, version, paths);
    }();
    env.ui.step_finished(deleted.has_value());
    if (!deleted) return fail(std::move(deleted).error());
    MK_TRY(env.store.save(config));
  }
  return AddonOutcome::applied;
}

} // namespace mk::cluster
