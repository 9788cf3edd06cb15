// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/new_config.hpp"

#include "mk/cluster/sources.hpp"
#include "mk/driver/driver.hpp"

#include <fmt/format.h>

namespace mk::cluster {

config::ClusterConfig new_cluster_config(const StartRequest& request, std::string_view driver,
                                         const mirror::Selection& selection) {
  config::ClusterConfig c;
  c.name = request.profile;
  c.driver = driver;
  c.base_image = selection.sources.base_image;
  c.cpus = request.cpus;
  c.memory_mb = request.memory_mb;
  c.disk_mb = request.disk_mb;
  c.network = request.profile;
  c.subnet = request.subnet;
  c.static_ip = request.static_ip;
  c.kubernetes_enabled = request.kubernetes;
  if (request.kubernetes) {
    auto& k = c.kubernetes;
    k.version = request.kubernetes_version.empty() ? k8s::k_default.to_string() : request.kubernetes_version;
    k.image_repository = selection.sources.image_repository;
    k.insecure_registries = request.insecure_registries;
    k.registry_mirrors = request.registry_mirrors;
    k.binary_mirror = selection.sources.binary_base;
    k.preload_mirror = selection.sources.preload_base;
    k.image_mirror_country = selection.country;
  }
  c.keep_context = request.keep_context;
  c.nodes.push_back({config::node_name(request.profile, 0), {}, true, {}, {}});
  c.highest_node_number = 1;
  return c;
}

Status check_existing(const config::ClusterConfig& existing, const StartRequest& request, ui::Reporter& ui) {
  if (existing.kubernetes_enabled && !request.kubernetes)
    return fail(Error{
        ErrorCode::conflict,
        fmt::format("profile {} was created with Kubernetes", existing.name),
        {},
        {},
        fmt::format("delete it first (mk delete -p {}) to start it without Kubernetes", existing.name)});
  if (!existing.kubernetes_enabled && !request.kubernetes_version.empty())
    return fail(Error{ErrorCode::conflict,
                      fmt::format("profile {} was created without Kubernetes", existing.name),
                      {},
                      {},
                      fmt::format("delete it first (mk delete -p {}) to add Kubernetes", existing.name)});
  if (request.cpus_given && request.cpus != existing.cpus)
    ui.warning(fmt::format("--cpus is ignored: the existing cluster keeps {} CPUs", existing.cpus));
  if (request.memory_given && request.memory_mb != existing.memory_mb)
    ui.warning(fmt::format("--memory is ignored: the existing cluster keeps {} MB", existing.memory_mb));
  if (!request.base_image.empty() && request.base_image != existing.base_image)
    ui.warning("--base-image is ignored: the node already exists");
  if (!request.subnet.empty() && request.subnet != existing.subnet)
    ui.warning(fmt::format("--subnet is ignored: the cluster network is {}", existing.subnet));
  if (!request.kubernetes_version.empty() && request.kubernetes_version != existing.kubernetes.version)
    return fail(Error{
        ErrorCode::conflict,
        fmt::format("cluster {} runs Kubernetes {}; mk does not change the version of an existing cluster",
                    existing.name, existing.kubernetes.version),
        {},
        {},
        fmt::format("delete it first (mk delete -p {}) or start another profile", existing.name)});
  if (!request.image_repository.empty() && request.image_repository != existing.kubernetes.image_repository)
    ui.warning(fmt::format(
        "--image-repository is ignored: the cluster keeps {}",
        existing.kubernetes.image_repository.empty() ? "the default" : existing.kubernetes.image_repository));
  return {};
}

Result<config::ClusterConfig> config_for_request(Env& env, const StartRequest& request,
                                                 std::string_view driver, bool probe) {
  if (auto existing = MK_TRY(env.store.load(request.profile))) {
    MK_TRY(check_existing(*existing, request, env.ui));
    for (const auto& addon : request.addons)
      existing->addons[addon] = true;
    return std::move(*existing);
  }
  bool vm = driver::is_vm_driver(driver);
  if (vm && !request.base_image.empty())
    env.ui.warning(
        fmt::format("--base-image is ignored: the {} driver boots the VM node image (--vm-image)", driver));
  if (!vm && !request.vm_image.empty())
    env.ui.warning(
        fmt::format("--vm-image is ignored: the {} driver creates nodes from --base-image", driver));
  auto selection = MK_TRY(select_request_sources(request, probe, vm));
  for (const auto& note : selection.notes)
    env.ui.info(note);
  for (const auto& warning : selection.warnings)
    env.ui.warning(warning);
  auto config = new_cluster_config(request, driver, selection);
  for (const auto& addon : request.addons)
    config.addons[addon] = true;
  return config;
}

} // namespace mk::cluster
