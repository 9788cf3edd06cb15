// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// How the answers of docker-compatible engines differ (docker and podman), read from their `inspect` JSON
// rather than from Go templates, which name fields that exist in one engine only.
namespace mk::drivers::oci {

struct Subnet {
  std::string cidr;    // "192.168.49.0/24"
  std::string gateway; // "192.168.49.1", or empty
};

// The IPv4 subnets of one network from `network inspect` (docker: IPAM.Config[].Subnet/Gateway, podman:
// subnets[].subnet/gateway); IPv6 ones are left out.
std::vector<Subnet> network_subnets(const nlohmann::json& network);

// How many containers use the network, when the engine lists them on it (docker: Containers); nullopt when it
// does not (podman: ask `ps --filter network=`).
std::optional<size_t> network_container_count(const nlohmann::json& network);

// The network's MTU option (docker: Options["com.docker.network.driver.mtu"], podman: options["mtu"]); empty
// when it has none.
std::string network_mtu(const nlohmann::json& network);

// The labels of an inspected container (Config.Labels), volume (Labels) or network (docker Labels, podman
// labels); empty when it has none.
std::map<std::string, std::string> labels_of(const nlohmann::json& object);

// An inspected image's Entrypoint followed by its Cmd (each a list, or a string as podman prints a
// container's).
std::vector<std::string> image_command_of(const nlohmann::json& image);

// A container's State.Status in mk's terms. Podman also says stopped, configured (created, never started),
// stopping and removing.
driver::State container_state(std::string_view status);

// The objects of one `inspect` answer: both engines print a JSON array; a missing object gives an empty one
// (podman) or none at all (docker, on stderr). Throws on text that is not JSON.
std::vector<nlohmann::json> inspected_objects(std::string_view output);

} // namespace mk::drivers::oci
