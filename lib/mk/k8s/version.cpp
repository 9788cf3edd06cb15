// SPDX-License-Identifier: Apache-2.0
#include "mk/k8s/version.hpp"

#include "mk/core/strings.hpp"

#include <charconv>
#include <fmt/format.h>

namespace mk::k8s {

std::string Version::to_string() const {
  return fmt::format("v{}.{}.{}", major, minor, patch);
}

static std::string supported_range() {
  return fmt::format("{} to {}", k_oldest_supported.to_string(), k_newest_supported.to_string());
}

// One dot-separated component: digits only, no leading zero unless it is "0", at most 6 digits.
static bool parse_component(std::string_view text, int& value) {
  if (text.empty() || text.size() > 6 || (text.size() > 1 && text.front() == '0')) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

Result<Version> parse_version(std::string_view text) {
  auto invalid = [&] {
    return fail(ErrorCode::usage,
                fmt::format("invalid --kubernetes-version \"{}\": use vX.Y.Z ({}), stable or latest", text,
                            supported_range()));
  };
  std::string_view rest = text;
  if (rest.starts_with('v')) rest.remove_prefix(1);
  auto parts = core::split(rest, '.');
  if (parts.size() != 3) return invalid();
  Version version;
  if (!parse_component(parts[0], version.major) || !parse_component(parts[1], version.minor) ||
      !parse_component(parts[2], version.patch))
    return invalid();
  return version;
}

Result<Version> resolve_version(std::string_view text, bool force) {
  if (text == "stable") return k_default;
  if (text == "latest") return k_newest_supported;
  auto version = MK_TRY(parse_version(text));
  if (force) return version;
  if (version < k_oldest_supported)
    return fail(
        ErrorCode::usage,
        fmt::format("--kubernetes-version {} is older than mk supports ({}); use --force to try it anyway",
                    version.to_string(), supported_range()));
  if (version > k_newest_supported)
    return fail(
        ErrorCode::usage,
        fmt::format("--kubernetes-version {} is newer than mk supports ({}); use --force to try it anyway",
                    version.to_string(), supported_range()));
  return version;
}

KubeadmApi kubeadm_api_for(const Version& v) {
  if (v < Version{1, 23, 0}) return KubeadmApi::v1beta2;
  if (v < Version{1, 31, 0}) return KubeadmApi::v1beta3;
  return KubeadmApi::v1beta4;
}

std::string_view api_version_string(KubeadmApi api) {
  switch (api) {
  case KubeadmApi::v1beta2:
    return "kubeadm.k8s.io/v1beta2";
  case KubeadmApi::v1beta3:
    return "kubeadm.k8s.io/v1beta3";
  case KubeadmApi::v1beta4:
    return "kubeadm.k8s.io/v1beta4";
  }
  return "kubeadm.k8s.io/v1beta4";
}

} // namespace mk::k8s
