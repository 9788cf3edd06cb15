// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <string>
#include <string_view>

namespace mk::registry {

// A parsed image reference: "registry.k8s.io/pause:3.9", "172.17.0.1:5000/google_containers/etcd:3.4.13-0",
// "busybox" (docker.io/library/busybox:latest), "name@sha256:<64 hex>", "name:tag@sha256:<64 hex>".
struct ImageReference {
  std::string registry;   // "docker.io" for Docker Hub references
  std::string repository; // "library/busybox"
  std::string tag;        // empty when only a digest is given
  std::string digest;     // "sha256:<64 hex>" or empty

  // The canonical form "registry/repository[:tag][@digest]".
  std::string to_string() const;
  // The host (and port) serving the registry API: "registry-1.docker.io" for docker.io, else `registry`.
  std::string api_host() const;
  // The tag, else the digest: what to ask the registry's manifest endpoint for.
  std::string manifest_reference() const { return digest.empty() ? tag : digest; }
};

// Parses `text` following the Docker reference grammar: the first path component is a registry when it
// contains '.' or ':', is "localhost" or has upper-case letters; otherwise the registry is docker.io, and a
// one-component name gets "library/". "index.docker.io" becomes "docker.io". Without tag and digest the tag
// is "latest". Only sha256 digests are accepted. Usage error naming `text` and the reason when it is invalid.
Result<ImageReference> parse_reference(std::string_view text);

// The registry part of an image repository setting such as
// "registry.cn-hangzhou.aliyuncs.com/google_containers" or "registry.k8s.io": its first component when that
// names a registry (as in parse_reference), else "docker.io".
std::string registry_of_repository(std::string_view repository);

// The archive file name mk uses for `reference` in its cache, ending in ".tar": registry, repository and tag
// joined by '_' ('/' and ':' replaced), then "@sha256_<hex>" for a digest, e.g.
// "registry.k8s.io_pause_3.9.tar". Names that this alone could confuse (a '_' in the repository or tag, a
// port, a digest without tag) get
// "+<8 hex>" of the canonical reference's sha256 before ".tar", so distinct references never share a file.
std::string archive_file_name(const ImageReference& reference);

} // namespace mk::registry
