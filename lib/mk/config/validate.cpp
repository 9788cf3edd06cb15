// SPDX-License-Identifier: Apache-2.0
#include "mk/config/validate.hpp"

#include "mk/net/ipv4.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <optional>
#include <regex>

namespace mk::config {

Status validate_profile_name(std::string_view name) {
  static const std::regex k_name(R"([a-z0-9]([a-z0-9.-]*[a-z0-9])?)");
  static const std::regex k_node_suffix(R"(.*-m[0-9]{2,}$)");
  auto reject = [&](std::string_view why) {
    return fail(ErrorCode::usage, fmt::format("invalid profile name \"{}\": {}", name, why));
  };
  if (name.size() < 2) return reject("use at least 2 characters");
  if (name.size() > 63) return reject("use at most 63 characters");
  std::string text(name);
  if (!std::regex_match(text, k_name))
    return reject("use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
  if (text.find("..") != std::string::npos || text.find(".-") != std::string::npos ||
      text.find("-.") != std::string::npos)
    return reject("each part between dots must start and end with a letter or digit");
  if (std::regex_match(text, k_node_suffix))
    return reject("names ending in -mNN are reserved for secondary nodes");
  return {};
}

bool is_node_name_of(std::string_view profile, std::string_view node) {
  if (node == profile) return true;
  if (!node.starts_with(profile) || !node.substr(profile.size()).starts_with("-m")) return false;
  auto number = node.substr(profile.size() + 2);
  int index = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), index);
  return ec == std::errc() && end == number.data() + number.size() && number.size() >= 2 && index >= 2 &&
         (number.size() == 2 || number.front() != '0');
}

static std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

namespace {
// A size such as 4096, 4096mb or 4g, in MiB; nullopt when `text` is not one.
std::optional<long long> parse_mib(std::string_view value) {
  long long number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  std::string_view unit(end, value.data() + value.size());
  if (ec != std::errc() || end == value.data() || number <= 0) return std::nullopt;
  if (unit.empty() || unit == "m" || unit == "mb" || unit == "mi" || unit == "mib") return number;
  if (unit == "g" || unit == "gb" || unit == "gi" || unit == "gib") return number * 1024;
  return std::nullopt;
}
} // namespace

Result<int> parse_memory(std::string_view text) {
  auto value = lower(text);
  if (value == "no-limit" || value == "nolimit") return 0;
  auto mib = parse_mib(value);
  if (!mib || *mib > 1024 * 1024)
    return fail(ErrorCode::usage,
                fmt::format("invalid --memory \"{}\": use a size such as 4096mb or 4g, or no-limit", text));
  if (*mib < 1800)
    return fail(ErrorCode::usage,
                fmt::format("--memory {} is too small: a node needs at least 1800 MiB", text));
  return static_cast<int>(*mib);
}

Result<int> parse_disk_size(std::string_view text) {
  auto mib = parse_mib(lower(text));
  if (!mib || *mib > 64 * 1024 * 1024)
    return fail(ErrorCode::usage,
                fmt::format("invalid --disk-size \"{}\": use a size such as 20000mb or 20g", text));
  if (*mib < 4096)
    return fail(ErrorCode::usage,
                fmt::format("--disk-size {} is too small: a node needs at least 4096 MB", text));
  return static_cast<int>(*mib);
}

Result<int> parse_cpus(std::string_view text, int host_cpus) {
  auto value = lower(text);
  if (value == "no-limit" || value == "nolimit") return 0;
  if (value == "max") return host_cpus;
  int cpus = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), cpus);
  if (ec != std::errc() || end != value.data() + value.size() || cpus < 1)
    return fail(ErrorCode::usage,
                fmt::format("invalid --cpus \"{}\": use a whole number of CPUs, max or no-limit", text));
  if (cpus > host_cpus)
    return fail(ErrorCode::usage,
                fmt::format("--cpus {} is more than this machine has ({})", cpus, host_cpus));
  return cpus;
}

Result<std::string> validate_subnet(std::string_view text) {
  auto cidr = net::parse_cidr(text);
  if (!cidr) return fail(ErrorCode::usage, fmt::format("invalid --subnet: {}", cidr.error().message));
  if (text.find('/') == std::string_view::npos) cidr->prefix = 24, cidr->network.value &= cidr->mask();
  if (!cidr->network.is_private())
    return fail(
        ErrorCode::usage,
        fmt::format("invalid --subnet {}: use a private network (10/8, 172.16/12 or 192.168/16)", text));
  if (cidr->prefix < 16 || cidr->prefix > 29)
    return fail(ErrorCode::usage,
                fmt::format("invalid --subnet {}: use a prefix length from /16 to /29", text));
  return cidr->to_string();
}

Status validate_static_ip(std::string_view text) {
  auto address = net::parse_ipv4(text);
  if (!address)
    return fail(ErrorCode::usage, fmt::format("invalid --static-ip: {}", address.error().message));
  if (!address->is_private())
    return fail(ErrorCode::usage, fmt::format("invalid --static-ip {}: use a private address", text));
  auto last = address->value & 255;
  if (last < 2 || last > 254)
    return fail(ErrorCode::usage, fmt::format("invalid --static-ip {}: the last number must be 2-254", text));
  return {};
}

Status validate_image_reference(std::string_view text, std::string_view flag) {
  static const std::regex k_reference(R"([a-zA-Z0-9][a-zA-Z0-9._/:@+-]*)");
  std::string value(text);
  if (value.empty() || !std::regex_match(value, k_reference) || value.find("://") != std::string::npos ||
      value.back() == ':' || value.back() == '/')
    return fail(ErrorCode::usage, fmt::format("invalid {} \"{}\": expected an image reference such as "
                                              "registry.example.com/kicbase:v1 or name@sha256:<digest>",
                                              flag, text));
  return {};
}

} // namespace mk::config
