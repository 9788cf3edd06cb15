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
