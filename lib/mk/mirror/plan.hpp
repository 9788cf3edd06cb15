// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/k8s/images.hpp"
#include "mk/k8s/version.hpp"

#include <string>
#include <vector>

namespace mk::mirror {

// The upstream locations mk downloads from when no mirror is configured.
inline constexpr const char* k_default_binary_base = "https://dl.k8s.io/release";
inline constexpr const char* k_default_preload_base =
    "https://storage.googleapis.com/minikube-preloaded-volume-tarballs";
inline constexpr const char* k_preload_version = "v18";
inline constexpr const char* k_default_base_image =
    "gcr.io/k8s-minikube/"
    "kicbase:v0.0.50@sha256:eb4fec00e8ad70adf8e6436f195cc429825ffb85f95afcdb5d8d9deb576f3e93";

// The VM node image (scripts/build-node-image.sh --vm) of this mk release, for VM drivers: <base>/<version>/
// mk-node-vm-<version>-amd64.tar with its .sha256 beside it. The release location of mk's own artefacts.
inline constexpr const char* k_default_vm_image_base = "https://storage.googleapis.com/mk-releases/node-vm";
inline constexpr const char* k_vm_image_version = "v0.1.0";
// The VM node image under `base`.
std::string vm_image_url(std::string_view base);

// Where a cluster's artefacts come from, as its profile records them.
struct Sources {
  std::string base_image;        // the node image, already chosen (see base_image_for)
  std::string image_repository;  // empty: each image's upstream registry
  bool flat_image_names = false; // the repository keeps no sub-paths (Aliyun)
  std::string binary_base;       // empty: k_default_binary_base
  std::string preload_base;      // empty: k_default_preload_base
};

// A file fetched over HTTP(S) and the URL of its published sha256.
struct RemoteFile {
  std::string name;
  std::string url;
  std::string checksum_url;
};

// Everything a start of one Kubernetes version may fetch. The preload is tried first; the binaries and images
// are the fallback when no preload exists for the version. Every download mk makes comes from here.
struct Plan {
  std::string base_image;
  RemoteFile preload;               // empty url: no preload is to be used
  std::vector<RemoteFile> binaries; // kubeadm, kubelet, kubectl
  k8s::ControlPlaneImages control_plane;
  std::vector<std::string> images;       // the control plane's images (incl. pause, etcd, CoreDNS)
  std::vector<std::string> addon_images; // images of the enabled addons
};

// minikube's preload naming: preloaded-images-k8s-v18-<version>-containerd-overlay2-amd64.tar.lz4
std::string preload_file_name(const k8s::Version& version);

// `upstream` taken from `repository` instead ("gcr.io/k8s-minikube/x:v5" -> "<repository>/k8s-minikube/x:v5",
// or
// "<repository>/x:v5" with flat names); `upstream` when `repository` is empty.
std::string image_from_repository(std::string_view upstream, std::string_view repository, bool flat);

// The node image a new cluster uses: an explicit --base-image as given; else the default kicbase, taken from
// `repository` when one is set (the digest is kept).
std::string base_image_for(std::string_view explicit_image, std::string_view repository, bool flat);

// Resolves every artefact of `version` for `sources`; `addon_images` are the upstream references of the
// addons.
Plan resolve(const k8s::Version& version, const Sources& sources,
             const std::vector<std::string>& addon_images);

// The plan as `mk start --dry-run` prints it: one "<kind>: <reference or URL>" line per artefact.
std::string format_plan(const Plan& plan);

} // namespace mk::mirror
