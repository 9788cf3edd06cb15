// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mk::registry {

inline constexpr std::string_view k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";

// The Accept header value for manifest requests: the four media types above.
std::string manifest_accept_header();

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant; // "v8", "v7" or empty
};

// A reference to a blob or manifest, as manifests and indexes hold them.
struct Descriptor {
  std::string media_type;
  std::string digest; // "sha256:<64 hex>", checked by parse_manifest
  uint64_t size = 0;
  std::optional<Platform> platform; // index entries only
};

// An image manifest (config and layers) or an index / manifest list (manifests).
struct Manifest {
  std::string media_type; // one of the four media types above
  bool is_index = false;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::vector<Descriptor> manifests;
};

// Parses a manifest body. Its media type is `content_type` (parameters ignored) when that is one of the four,
// else the body's "mediaType", else inferred from the fields present. ErrorCode::network when the body is not
// such a manifest (schema 1 manifests included) or a digest is not "sha256:<64 hex>".
Result<Manifest> parse_manifest(std::string_view body, std::string_view content_type);

// The entry of `manifests` for `os` and `architecture` ("arm64", or "arm64/v8" to ask for a variant): the
// first entry whose variant matches the requested one, else (no variant asked for) the first without a
// variant or with arm64's usual "v8", else the first for that os and architecture. None when the index has
// none.
std::optional<Descriptor> select_platform(const std::vector<Descriptor>& manifests, std::string_view os,
                                          std::string_view architecture);

// "sha256:<hex>" -> "<hex>"; empty when `digest` is not a sha256 digest of 64 lower-case hex digits.
std::string sha256_hex_of(std::string_view digest);

} // namespace mk::registry
