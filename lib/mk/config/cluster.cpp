// SPDX-License-Identifier: Apache-2.0
#include "mk/config/cluster.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::config {

using nlohmann::json;

static json to_json(const NodeConfig& node) {
  json ports = json::object();
  for (auto [container, host] : node.ports)
    ports[std::to_string(container)] = host;
  return {{"name", node.name},
          {"ip", node.ip},
          {"control_plane", node.control_plane},
          {"ports", ports},
          {"pod_cidr", node.pod_cidr}};
}

static json to_json(const KubernetesConfig& k) {
  return {{"version", k.version},
          {"image_repository", k.image_repository},
          {"insecure_registries", k.insecure_registries},
          {"registry_mirrors", k.registry_mirrors},
          {"binary_mirror", k.binary_mirror},
          {"preload_mirror", k.preload_mirror},
          {"image_mirror_country", k.image_mirror_country},
          {"initialized", k.initialized},
          {"apiserver_port", k.apiserver_port},
          {"service_cidr", k.service_cidr},
          {"pod_cidr", k.pod_cidr},
          {"dns_domain", k.dns_domain}};
}

std::string to_json_text(const ClusterConfig& c) {
  json nodes = json::array();
  for (const auto& node : c.nodes)
    nodes.push_back(to_json(node));
  json document = {{"schema_version", c.schema_version},
                   {"name", c.name},
                   {"driver", c.driver},
                   {"base_image", c.base_image},
                   {"cpus", c.cpus},
                   {"memory_mb", c.memory_mb},
                   {"disk_mb", c.disk_mb},
                   {"network", c.network},
                   {"subnet", c.subnet},
                   {"gateway", c.gateway},
                   {"static_ip", c.static_ip},
                   {"kubernetes_enabled", c.kubernetes_enabled},
                   {"kubernetes", to_json(c.kubernetes)},
                   {"keep_context", c.keep_context},
                   {"addons", c.addons},
                   {"custom_addon_images", c.custom_addon_images},
                   {"custom_addon_registries", c.custom_addon_registries},
                   {"nodes", nodes},
                   {"highest_node_number", c.highest_node_number},
                   {"paused", c.paused}};
  return document.dump(2) + "\n";
}

template <class T> static void read(const json& object, const char* key, T& out) {
  if (auto it = object.find(key); it != object.end() && !it->is_null()) out = it->get<T>();
}

Result<ClusterConfig> cluster_from_json_text(std::string_view text) {
  try {
    auto document = json::parse(text);
    if (!document.is_object()) return fail(ErrorCode::failure, "the profile is not a JSON object");
    ClusterConfig c;
    c.schema_version = 1; // files without the field predate it
    read(document, "schema_version", c.schema_version);
    if (c.schema_version < 1 || c.schema_version > k_schema_version)
      return fail(ErrorCode::failure,
                  fmt::format("the profile has format version {}; this mk reads versions 1 to {} (a newer mk "
                              "wrote it?)",
                              c.schema_version, k_schema_version));
    read(document, "name", c.name);
    read(document, "driver", c.driver);
    read(document, "base_image", c.base_image);
    read(document, "cpus", c.cpus);
    read(document, "memory_mb", c.memory_mb);
    read(document, "disk_mb", c.disk_mb);
    read(document, "network", c.network);
    read(document, "subnet", c.subnet);
    read(document, "gateway", c.gateway);
    read(document, "static_ip", c.static_ip);
    read(document, "kubernetes_enabled", c.kubernetes_enabled);
    read(document, "keep_context", c.keep_context);
    read(document, "addons", c.addons);
    read(document, "custom_addon_images", c.custom_addon_images);
    read(document, "custom_addon_registries", c.custom_addon_registries);
    read(document, "highest_node_number", c.highest_node_number);
    read(document, "paused", c.paused);
    if (auto k = document.find("kubernetes"); k != document.end() && k->is_object()) {
      read(*k, "version", c.kubernetes.version);
      read(*k, "image_repository", c.kubernetes.image_repository);
      read(*k, "insecure_registries", c.kubernetes.insecure_registries);
      read(*k, "registry_mirrors", c.kubernetes.registry_mirrors);
      read(*k, "binary_mirror", c.kubernetes.binary_mirror);
      read(*k, "preload_mirror", c.kubernetes.preload_mirror);
      read(*k, "image_mirror_country", c.kubernetes.image_mirror_country);
      read(*k, "initialized", c.kubernetes.initialized);
      read(*k, "apiserver_port", c.kubernetes.apiserver_port);
      read(*k, "service_cidr", c.kubernetes.service_cidr);
      read(*k, "pod_cidr", c.kubernetes.pod_cidr);
      read(*k, "dns_domain", c.kubernetes.dns_domain);
    }
    if (auto nodes = document.find("nodes"); nodes != document.end() && nodes->is_array()) {
      for (const auto& entry : *nodes) {
        NodeConfig node;
        read(entry, "name", node.name);
        read(entry, "ip", node.ip);
        read(entry, "control_plane", node.control_plane);
        read(entry, "pod_cidr", node.pod_cidr);
        if (auto ports = entry.find("ports"); ports != entry.end() && ports->is_object())
          for (const auto& [container, host] : ports->items())
            node.ports[std::stoi(container)] = host.get<int>();
        c.nodes.push_back(std::move(node));
      }
    }
    if (c.name.empty()) return fail(ErrorCode::failure, "the profile has no name");
    return c;
  } catch (const std::exception& e) {
    return fail(ErrorCode::failure, fmt::format("the profile is not valid: {}", e.what()));
  }
}

std::string node_name(std::string_view profile, int index) {
  if (index == 0) return std::string(profile);
  return fmt::format("{}-m{:02}", profile, index + 1);
}

int node_number(std::string_view profile, std::string_view name) {
  if (name == profile) return 1;
  if (!name.starts_with(profile) || name.size() < profile.size() + 3) return 0;
  auto suffix = name.substr(profile.size());
  if (!suffix.starts_with("-m")) return 0;
  int number = 0;
  for (char c : suffix.substr(2)) {
    if (c < '0' || c > '9' || number > 100000) return 0;
    number = number * 10 + (c - '0');
  }
  return number >= 2 ? number : 0;
}

int next_node_number(const ClusterConfig& config) {
  int highest = std::max(config.highest_node_number, 1);
  for (const auto& node : config.nodes)
    highest = std::max(highest, node_number(config.name, node.name));
  return highest + 1;
}

const NodeConfig* find_node(const ClusterConfig& config, std::string_view name) {
  for (const auto& node : config.nodes)
    if (node.name == name) return &node;
  return nullptr;
}

} // namespace mk::config
