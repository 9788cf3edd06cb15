// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <compare>
#include <string>
#include <string_view>

namespace mk::k8s {

// A Kubernetes release version (no pre-release or build suffix).
struct Version {
  int major = 1, minor = 0, patch = 0;
  auto operator<=>(const Version&) const = default;
  // "v1.20.2"
  std::string to_string() const;
};

// The range mk supports without --force. The newest is the newest v1.35 patch whose kubeadm image tags are
// known (minikube v1.38.1's default minor; its image table ends at v1.35.7). The default is minikube
// v1.38.1's default.
inline constexpr Version k_oldest_supported{1, 20, 0};
inline constexpr Version k_newest_supported{1, 35, 7};
inline constexpr Version k_default{1, 35, 1};

// Parses "vX.Y.Z" or "X.Y.Z" (decimal numbers, no leading zeros, no suffix); usage error naming
// --kubernetes-version otherwise. No range check.
Result<Version> parse_version(std::string_view text);

// The version `text` asks for: "vX.Y.Z", "X.Y.Z", "stable" (= k_default) or "latest" (= k_newest_supported).
// usage error (one line, naming --kubernetes-version and the supported range) when `text` is malformed or
// outside [k_oldest_supported, k_newest_supported]; `force` accepts well-formed versions outside the range.
Result<Version> resolve_version(std::string_view text, bool force = false);

// The kubeadm configuration API a kubeadm of version `v` reads.
enum class KubeadmApi { v1beta2, v1beta3, v1beta4 };
// v1beta2 below 1.23 (also for forced versions older than 1.20), v1beta3 for 1.23 to 1.30, v1beta4 from 1.31.
KubeadmApi kubeadm_api_for(const Version& v);
// "kubeadm.k8s.io/v1beta3"
std::string_view api_version_string(KubeadmApi api);

} // namespace mk::k8s
