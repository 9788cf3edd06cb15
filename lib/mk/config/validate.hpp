// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <string>
#include <string_view>

namespace mk::config {

// Checks a profile name: 2-63 characters, lowercase letters, digits, '-' and '.', starting and ending with a
// letter or digit (it names a container, a volume, a network and a Kubernetes node), and not ending like a
// secondary node name ("-m02"). usage error with the reason otherwise.
Status validate_profile_name(std::string_view name);

// Whether `node` names a node of profile `profile`: the profile name itself (the primary node) or
// <profile>-mNN with NN from 02 (see node_name in cluster.hpp).
bool is_node_name_of(std::string_view profile, std::string_view node);

// Parses --memory: "3072", "3072m", "3072mb", "3g", "3gb" (MiB/GiB) or "no-limit"; returns MiB, 0 for no
// limit. At least 1800 MiB, the least a control plane runs in.
Result<int> parse_memory(std::string_view text);
// Parses --disk-size: a size such as 20000mb or 20g (at least 4096 MB), in MB.
Result<int> parse_disk_size(std::string_view text);

// Parses --cpus: a whole number >= 1, "max" (= `host_cpus`) or "no-limit" (0).
Result<int> parse_cpus(std::string_view text, int host_cpus);

// Checks --subnet: a private IPv4 network, prefix /16 to /29, given as its network address. Returns it
// normalised.
Result<std::string> validate_subnet(std::string_view text);

// Checks --static-ip: a private IPv4 address whose last octet is 2-254.
Status validate_static_ip(std::string_view text);

// Checks an image reference such as --base-image ("repo/name:tag", "name@sha256:..."): no spaces, no scheme.
Status validate_image_reference(std::string_view text, std::string_view flag);

} // namespace mk::config
