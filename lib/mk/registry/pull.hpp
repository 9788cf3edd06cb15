// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/registry/reference.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mk::registry {

struct PullOptions {
  std::vector<std::string> insecure_registries; // "host:port" (or "host") spoken to over plain http://
  std::vector<std::string> registry_mirrors;    // http(s) base URLs tried first for docker.io images
  std::string os = "linux";
  std::string architecture = "amd64";             // "arm64", or "arm/v7" to ask for a variant
  std::filesystem::path blob_cache;               // shared blob store (sha256/<hex>); empty: a temporary one
  std::function<void(std::string_view)> progress; // one-liners such as "etcd: 12/40 MB", at most one a second
};

// Pulls `reference` into `archive`: an OCI image-layout tar (oci-layout, index.json, blobs/sha256/<hex>)
// holding the platform's manifest (chosen from an index or manifest list by os and architecture), its config
// and its layers, byte-identical to the registry's and each checked against its digest. index.json has one
// entry, annotated "io.containerd.image.name" = reference.to_string() and, when there is a tag,
// "org.opencontainers.image.ref.name" = tag, so that `ctr images import` registers exactly that name. The
// archive is written as archive + ".download" and renamed when complete (an existing archive is replaced);
// concurrent pulls into one archive take turns (a lock on archive + ".lock").
// Endpoints: for docker.io each of registry_mirrors in order, then registry-1.docker.io (a failing mirror
// falls through to the next endpoint); other registries over https, or http when in insecure_registries.
// Anonymous bearer tokens are fetched on a 401 challenge; blob redirects to other hosts are followed without
// the token; blobs already in blob_cache are not fetched again and broken transfers resume.
// Errors: ErrorCode::network naming the image and what failed (HTTP status, the registry's message such as
// "manifest unknown", no such platform in the index); ErrorCode::checksum when a manifest or blob does not
// match its digest. No archive is left behind on failure.
Status pull_to_archive(const ImageReference& reference, const std::filesystem::path& archive,
                       const PullOptions& options);

// The API base URLs pull_to_archive tries for `reference`, in order ("https://registry-1.docker.io").
std::vector<std::string> endpoints_for(const ImageReference& reference, const PullOptions& options);

// Whether the registry of `repository` (an image repository such as "registry.k8s.io" or
// "registry.cn-hangzhou.aliyuncs.com/google_containers"; docker.io when its first component is not a host)
// answers its API (GET /v2/ gives 200 or 401) within `timeout`, name resolution included.
bool registry_reachable(std::string_view repository, std::chrono::milliseconds timeout,
                        const std::vector<std::string>& insecure_registries);

} // namespace mk::registry
