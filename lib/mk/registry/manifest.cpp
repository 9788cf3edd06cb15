// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/manifest.hpp"

#include "mk/core/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::registry {

namespace {

using nlohmann::json;

bool is_known(std::string_view media_type) {
  return media_type == k_docker_manifest || media_type == k_docker_manifest_list ||
         media_type == k_oci_manifest || media_type == k_oci_index;
}

std::string string_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Descriptor> parse_descriptor(const json& object) {
  if (!object.is_object()) return fail(ErrorCode::network, "invalid manifest: a descriptor is not an object");
  Descriptor descriptor;
  descriptor.media_type = string_field(object, "mediaType");
  descriptor.digest = string_field(object, "digest");
  if (sha256_hex_of(descriptor.digest).empty())
    return fail(ErrorCode::network,
                fmt::format("invalid manifest: unsupported digest \"{}\" (sha256 only)", descriptor.digest));
  if (auto size = object.find("size"); size != object.end() && size->is_number_unsigned())
    descriptor.size = size->get<uint64_t>();
  if (auto platform = object.find("platform"); platform != object.end() && platform->is_object())
    descriptor.platform = Platform{string_field(*platform, "os"), string_field(*platform, "architecture"),
                                   string_field(*platform, "variant")};
  return descriptor;
}

} // namespace

std::string manifest_accept_header() {
  return fmt::format("{}, {}, {}, {}", k_oci_index, k_oci_manifest, k_docker_manifest_list,
                     k_docker_manifest);
}

std::string sha256_hex_of(std::string_view digest) {
  if (!digest.starts_with("sha256:") || digest.size() != 71) return {};
  auto hex = digest.substr(7);
  bool valid =
      std::ranges::all_of(hex, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  return valid ? std::string(hex) : std::string();
}

Result<Manifest> parse_manifest(std::string_view body, std::string_view content_type) {
  auto document = json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return fail(ErrorCode::network, "invalid manifest: not a JSON object");
  if (auto version = document.find("schemaVersion"); version != document.end() && *version == 1)
    return fail(ErrorCode::network, "unsupported manifest: Docker schema 1 (deprecated, no longer pulled)");
  Manifest manifest;
  auto type = core::trim(content_type.substr(0, content_type.find(';')));
  if (is_known(type)) {
    manifest.media_type = std::string(type);
  } else if (auto field = string_field(document, "mediaType"); !field.empty()) {
    manifest.media_type = field;
  } else {
    manifest.media_type = std::string(document.contains("manifests") ? k_oci_index : k_oci_manifest);
  }
  if (!is_known(manifest.media_type))
    return fail(ErrorCode::network, fmt::format("unsupported manifest media type {}", manifest.media_type));
  manifest.is_index = manifest.media_type == k_oci_index || manifest.media_type == k_docker_manifest_list;
  if (manifest.is_index) {
    auto entries = document.find("manifests");
    if (entries == document.end() || !entries->is_array())
      return fail(ErrorCode::network, "invalid index: no \"manifests\" list");
    for (const auto& entry : *entries)
      manifest.manifests.push_back(MK_TRY(parse_descriptor(entry)));
    return manifest;
  }
  auto config = document.find("config");
  auto layers = document.find("layers");
  if (config == document.end() || layers == document.end() || !layers->is_array())
    return fail(ErrorCode::network, "invalid manifest: no \"config\" or \"layers\"");
  manifest.config = MK_TRY(parse_descriptor(*config));
  for (const auto& layer : *layers)
    manifest.layers.push_back(MK_TRY(parse_descriptor(layer)));
  return manifest;
}

std::optional<Descriptor> select_platform(const std::vector<Descriptor>& manifests, std::string_view os,
                                          std::string_view architecture) {
  auto slash = architecture.find('/');
  auto variant = slash == std::string_view::npos ? std::string_view() : architecture.substr(slash + 1);
  architecture = architecture.substr(0, slash);
  std::vector<const Descriptor*> candidates;
  for (const auto& entry : manifests)
    if (entry.platform && entry.platform->os == os && entry.platform->architecture == architecture)
      candidates.push_back(&entry);
  if (candidates.empty()) return std::nullopt;
  auto default_variant = [&](const Descriptor* entry) {
    const auto& value = entry->platform->variant;
    return value.empty() || (architecture == "arm64" && value == "v8");
  };
  for (const auto* entry : candidates)
    if (variant.empty() ? default_variant(entry) : entry->platform->variant == variant) return *entry;
  if (!variant.empty()) return std::nullopt;
  return *candidates.front();
}

} // namespace mk::registry
