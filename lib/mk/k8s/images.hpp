// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/k8s/version.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mk::k8s {

// The images `kubeadm init` pulls for one Kubernetes version, as full references
// ("registry.k8s.io/pause:3.9").
struct ControlPlaneImages {
  std::string apiserver, controller_manager, scheduler, proxy, pause, etcd, coredns;
  bool operator==(const ControlPlaneImages&) const = default;
};

// The repository kubeadm `v` pulls from when none is configured: k8s.gcr.io, or registry.k8s.io from v1.25.0
// and from the patches that backported the switch (v1.22.17, v1.23.15, v1.24.9).
std::string default_image_repository(const Version& v);

// The images kubeadm `v` uses with `image_repository` (empty or equal to the default: the default
// repository), named the way that kubeadm names them. The pause/etcd/CoreDNS tags come from a per-patch table
// covering v1.20.0 to k_newest_supported; versions outside it (only reachable with --force) use the nearest
// known row.
ControlPlaneImages control_plane_images(const Version& v, std::string_view image_repository);

// The seven images of `images`: apiserver, controller-manager, scheduler, proxy, pause, etcd, CoreDNS.
std::vector<std::string> image_list(const ControlPlaneImages& images);

} // namespace mk::k8s
