// SPDX-License-Identifier: Apache-2.0
#include "mk/k8s/images.hpp"

#include <array>
#include <fmt/format.h>

namespace mk::k8s {
namespace {

// The pause, etcd and CoreDNS tags kubeadm uses, from `since` up to the next row. One row per change, as
// reported by `kubeadm config images list` of each release (the same data minikube records per patch
// release).
struct ImageTags {
  Version since;
  std::string_view pause, etcd, coredns;
};

constexpr std::array k_image_tags{
    ImageTags{{1, 20, 0}, "3.2", "3.4.13-0", "1.7.0"},
    ImageTags{{1, 21, 0}, "3.4.1", "3.4.13-0", "v1.8.0"},
    ImageTags{{1, 22, 0}, "3.5", "3.5.0-0", "v1.8.4"},
    ImageTags{{1, 22, 17}, "3.5", "3.5.6-0", "v1.8.4"},
    ImageTags{{1, 23, 0}, "3.6", "3.5.1-0", "v1.8.6"},
    ImageTags{{1, 23, 14}, "3.6", "3.5.5-0", "v1.8.6"},
    ImageTags{{1, 23, 15}, "3.6", "3.5.6-0", "v1.8.6"},
    ImageTags{{1, 24, 0}, "3.7", "3.5.3-0", "v1.8.6"},
    ImageTags{{1, 24, 8}, "3.7", "3.5.5-0", "v1.8.6"},
    ImageTags{{1, 24, 9}, "3.7", "3.5.6-0", "v1.8.6"},
    ImageTags{{1, 25, 0}, "3.8", "3.5.4-0", "v1.9.3"},
    ImageTags{{1, 25, 4}, "3.8", "3.5.5-0", "v1.9.3"},
    ImageTags{{1, 25, 5}, "3.8", "3.5.6-0", "v1.9.3"},
    ImageTags{{1, 25, 15}, "3.8", "3.5.9-0", "v1.9.3"},
    ImageTags{{1, 26, 0}, "3.9", "3.5.6-0", "v1.9.3"},
    ImageTags{{1, 26, 10}, "3.9", "3.5.9-0", "v1.9.3"},
    ImageTags{{1, 26, 13}, "3.9", "3.5.10-0", "v1.9.3"},
    ImageTags{{1, 27, 0}, "3.9", "3.5.7-0", "v1.10.1"},
    ImageTags{{1, 27, 7}, "3.9", "3.5.9-0", "v1.10.1"},
    ImageTags{{1, 27, 10}, "3.9", "3.5.10-0", "v1.10.1"},
    ImageTags{{1, 27, 12}, "3.9", "3.5.12-0", "v1.10.1"},
    ImageTags{{1, 28, 0}, "3.9", "3.5.9-0", "v1.10.1"},
    ImageTags{{1, 28, 6}, "3.9", "3.5.10-0", "v1.10.1"},
    ImageTags{{1, 28, 8}, "3.9", "3.5.12-0", "v1.10.1"},
    ImageTags{{1, 28, 14}, "3.9", "3.5.15-0", "v1.10.1"},
    ImageTags{{1, 29, 0}, "3.9", "3.5.10-0", "v1.11.1"},
    ImageTags{{1, 29, 3}, "3.9", "3.5.12-0", "v1.11.1"},
    ImageTags{{1, 29, 9}, "3.9", "3.5.15-0", "v1.11.1"},
    ImageTags{{1, 29, 11}, "3.9", "3.5.16-0", "v1.11.1"},
    ImageTags{{1, 30, 0}, "3.9", "3.5.12-0", "v1.11.1"},
    ImageTags{{1, 30, 5}, "3.9", "3.5.15-0", "v1.11.3"},
    ImageTags{{1, 31, 0}, "3.10", "3.5.15-0", "v1.11.1"},
    ImageTags{{1, 31, 1}, "3.10", "3.5.15-0", "v1.11.3"},
    ImageTags{{1, 31, 14}, "3.10", "3.5.24-0", "v1.11.3"},
    ImageTags{{1, 32, 0}, "3.10", "3.5.16-0", "v1.11.3"},
    ImageTags{{1, 32, 10}, "3.10", "3.5.24-0", "v1.11.3"},
    ImageTags{{1, 33, 0}, "3.10", "3.5.21-0", "v1.12.0"},
    ImageTags{{1, 33, 6}, "3.10", "3.5.24-0", "v1.12.0"},
    ImageTags{{1, 34, 0}, "3.10.1", "3.6.4-0", "v1.12.1"},
    ImageTags{{1, 34, 2}, "3.10.1", "3.6.5-0", "v1.12.1"},
    ImageTags{{1, 35, 0}, "3.10.1", "3.6.6-0", "v1.13.1"},
};

const ImageTags& tags_for(const Version& v) {
  const ImageTags* found = &k_image_tags.front();
  for (const auto& row : k_image_tags)
    if (row.since <= v) found = &row;
  return *found;
}

} // namespace

std::string default_image_repository(const Version& v) {
  bool registry_k8s_io = v >= Version{1, 25, 0} || (v.major == 1 && v.minor == 24 && v.patch >= 9) ||
                         (v.major == 1 && v.minor == 23 && v.patch >= 15) ||
                         (v.major == 1 && v.minor == 22 && v.patch >= 17);
  return registry_k8s_io ? "registry.k8s.io" : "k8s.gcr.io";
}

ControlPlaneImages control_plane_images(const Version& v, std::string_view image_repository) {
  auto default_repo = default_image_repository(v);
  std::string repo = image_repository.empty() ? default_repo : std::string(image_repository);
  bool is_default = repo == default_repo;
  const auto& tags = tags_for(v);
  auto kube = [&](std::string_view name) { return fmt::format("{}/{}:{}", repo, name, v.to_string()); };

  // CoreDNS moved to <default>/coredns/coredns in 1.21. Custom repositories keep <repo>/coredns, except that
  // kubeadm 1.21.0 and 1.21.1 applied the sub-path to every repository (fixed in 1.21.2).
  bool coredns_subpath = v >= Version{1, 21, 0} && (is_default || v < Version{1, 21, 2});
  auto coredns = fmt::format("{}/{}:{}", repo, coredns_subpath ? "coredns/coredns" : "coredns", tags.coredns);

  return ControlPlaneImages{
      .apiserver = kube("kube-apiserver"),
      .controller_manager = kube("kube-controller-manager"),
      .scheduler = kube("kube-scheduler"),
      .proxy = kube("kube-proxy"),
      .pause = fmt::format("{}/pause:{}", repo, tags.pause),
      .etcd = fmt::format("{}/etcd:{}", repo, tags.etcd),
      .coredns = std::move(coredns),
  };
}

std::vector<std::string> image_list(const ControlPlaneImages& images) {
  return {
      images.apiserver, images.controller_manager, images.scheduler, images.proxy, images.pause, images.etcd,
      images.coredns};
}

} // namespace mk::k8s
