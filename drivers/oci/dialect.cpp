// SPDX-License-Identifier: Apache-2.0
#include "drivers/oci/dialect.hpp"

#include <nlohmann/json.hpp>

namespace mk::drivers::oci {

using json = nlohmann::json;

namespace {
// The value of the first of `keys` that `object` has as a string; empty otherwise.
std::string string_field(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return {};
  for (const char* key : keys)
    if (auto it = object.find(key); it != object.end() && it->is_string()) return it->get<std::string>();
  return {};
}

const json* object_field(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return nullptr;
  for (const char* key : keys)
    if (auto it = object.find(key); it != object.end() && !it->is_null()) return &*it;
  return nullptr;
}
} // namespace

std::vector<Subnet> network_subnets(const json& network) {
  std::vector<Subnet> subnets;
  const json* entries = nullptr;
  if (const auto* ipam = object_field(network, {"IPAM"})) entries = object_field(*ipam, {"Config"});
  if (!entries) entries = object_field(network, {"subnets"});
  if (!entries || !entries->is_array()) return subnets;
  for (const auto& entry : *entries) {
    Subnet subnet{string_field(entry, {"Subnet", "subnet"}), string_field(entry, {"Gateway", "gateway"})};
    if (!subnet.cidr.empty() && subnet.cidr.find(':') == std::string::npos) subnets.push_back(subnet);
  }
  return subnets;
}

std::optional<size_t> network_container_count(const json& network) {
  if (!network.is_object() || !network.contains("Containers")) return std::nullopt;
  const auto& containers = network.at("Containers");
  return containers.is_object() || containers.is_array() ? containers.size() : 0;
}

std::string network_mtu(const json& network) {
  if (const auto* options = object_field(network, {"Options", "options"}))
    return string_field(*options, {"com.docker.network.driver.mtu", "mtu"});
  return {};
}

std::map<std::string, std::string> labels_of(const json& object) {
  std::map<std::string, std::string> labels;
  const json* found = nullptr;
  if (const auto* config = object_field(object, {"Config"})) found = object_field(*config, {"Labels"});
  if (!found) found = object_field(object, {"Labels", "labels"});
  if (found && found->is_object())
    for (const auto& [key, value] : found->items())
      if (value.is_string()) labels[key] = value.get<std::string>();
  return labels;
}

std::vector<std::string> image_command_of(const json& image) {
  std::vector<std::string> command;
  const auto* config = object_field(image, {"Config"});
  if (!config) return command;
  for (const char* key : {"Entrypoint", "Cmd"}) {
    const auto* part = object_field(*config, {key});
    if (!part) continue;
    if (part->is_string() && !part->get<std::string>().empty()) command.push_back(part->get<std::string>());
    if (part->is_array())
      for (const auto& word : *part)
        if (word.is_string()) command.push_back(word.get<std::string>());
  }
  return command;
}

driver::State container_state(std::string_view status) {
  if (status == "running" || status == "stopping") return driver::State::running;
  if (status == "created" || status == "exited" || status == "stopped" || status == "configured")
    return driver::State::stopped;
  if (status == "paused") return driver::State::paused;
  if (status == "restarting") return driver::State::starting;
  return driver::State::error; // dead, removing, anything new
}

std::vector<json> inspected_objects(std::string_view output) {
  auto first = output.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto document = json::parse(output.substr(first));
  if (!document.is_array()) return {document};
  return {document.begin(), document.end()};
}

} // namespace mk::drivers::oci
