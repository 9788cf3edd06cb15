// SPDX-License-Identifier: Apache-2.0
#include "mk/k8s/images.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace mk;
using k8s::Version;

TEST_CASE("v1.20.2 pulls from k8s.gcr.io with the tags the lab used", "[kube]") {
  auto images = k8s::control_plane_images({1, 20, 2}, "");
  CHECK(images.apiserver == "k8s.gcr.io/kube-apiserver:v1.20.2");
  CHECK(images.controller_manager == "k8s.gcr.io/kube-controller-manager:v1.20.2");
  CHECK(images.scheduler == "k8s.gcr.io/kube-scheduler:v1.20.2");
  CHECK(images.proxy == "k8s.gcr.io/kube-proxy:v1.20.2");
  CHECK(images.pause == "k8s.gcr.io/pause:3.2");
  CHECK(images.etcd == "k8s.gcr.io/etcd:3.4.13-0");
  CHECK(images.coredns == "k8s.gcr.io/coredns:1.7.0");
  CHECK(k8s::image_list(images).size() == 7);
  CHECK(k8s::image_list(images).front() == images.apiserver);
}

TEST_CASE("a custom repository replaces the registry and keeps CoreDNS at <repo>/coredns", "[kube]") {
  auto images = k8s::control_plane_images({1, 20, 2}, "registry.example.com:5000/k8s");
  CHECK(images.apiserver == "registry.example.com:5000/k8s/kube-apiserver:v1.20.2");
  CHECK(images.pause == "registry.example.com:5000/k8s/pause:3.2");
  CHECK(images.etcd == "registry.example.com:5000/k8s/etcd:3.4.13-0");
  CHECK(images.coredns == "registry.example.com:5000/k8s/coredns:1.7.0");

  auto newer = k8s::control_plane_images({1, 23, 3}, "registry.example.com/mirror");
  CHECK(newer.coredns == "registry.example.com/mirror/coredns:v1.8.6");
  CHECK(newer.proxy == "registry.example.com/mirror/kube-proxy:v1.23.3");
  // kubeadm 1.21.0 and 1.21.1 put every repository's CoreDNS under coredns/coredns
  CHECK(k8s::control_plane_images({1, 21, 1}, "r.example/x").coredns == "r.example/x/coredns/coredns:v1.8.0");
  CHECK(k8s::control_plane_images({1, 21, 2}, "r.example/x").coredns == "r.example/x/coredns:v1.8.0");
}

TEST_CASE("the default repository uses coredns/coredns from 1.21", "[kube]") {
  CHECK(k8s::control_plane_images({1, 21, 0}, "").coredns == "k8s.gcr.io/coredns/coredns:v1.8.0");
  auto v123 = k8s::control_plane_images({1, 23, 3}, "");
  CHECK(v123.pause == "k8s.gcr.io/pause:3.6");
  CHECK(v123.etcd == "k8s.gcr.io/etcd:3.5.1-0");
  CHECK(v123.coredns == "k8s.gcr.io/coredns/coredns:v1.8.6");
  // naming the default repository explicitly is the same as leaving it empty
  CHECK(k8s::control_plane_images({1, 23, 3}, "k8s.gcr.io") == v123);
  CHECK(k8s::control_plane_images({1, 30, 0}, "registry.k8s.io").coredns ==
        "registry.k8s.io/coredns/coredns:v1.11.1");
}

TEST_CASE("the default repository moved to registry.k8s.io in 1.25 and in backported patches", "[kube]") {
  CHECK(k8s::default_image_repository({1, 20, 2}) == "k8s.gcr.io");
  CHECK(k8s::default_image_repository({1, 22, 16}) == "k8s.gcr.io");
  CHECK(k8s::default_image_repository({1, 22, 17}) == "registry.k8s.io");
  CHECK(k8s::default_image_repository({1, 23, 14}) == "k8s.gcr.io");
  CHECK(k8s::default_image_repository({1, 23, 15}) == "registry.k8s.io");
  CHECK(k8s::default_image_repository({1, 24, 8}) == "k8s.gcr.io");
  CHECK(k8s::default_image_repository({1, 24, 9}) == "registry.k8s.io");
  CHECK(k8s::default_image_repository({1, 25, 0}) == "registry.k8s.io");
  CHECK(k8s::default_image_repository({1, 35, 1}) == "registry.k8s.io");

  auto v124 = k8s::control_plane_images({1, 24, 9}, "");
  CHECK(v124.etcd == "registry.k8s.io/etcd:3.5.6-0");
  CHECK(v124.pause == "registry.k8s.io/pause:3.7");
  CHECK(k8s::control_plane_images({1, 22, 16}, "").etcd == "k8s.gcr.io/etcd:3.5.0-0");
  CHECK(k8s::control_plane_images({1, 22, 17}, "").etcd == "registry.k8s.io/etcd:3.5.6-0");
}

TEST_CASE("tags follow kubeadm per minor and patch up to the newest supported version", "[kube]") {
  auto v128 = k8s::control_plane_images({1, 28, 8}, "");
  CHECK(v128.etcd == "registry.k8s.io/etcd:3.5.12-0");
  CHECK(v128.coredns == "registry.k8s.io/coredns/coredns:v1.10.1");
  CHECK(k8s::control_plane_images({1, 28, 7}, "").etcd == "registry.k8s.io/etcd:3.5.10-0");

  auto v131 = k8s::control_plane_images({1, 31, 0}, "");
  CHECK(v131.pause == "registry.k8s.io/pause:3.10");
  CHECK(v131.coredns == "registry.k8s.io/coredns/coredns:v1.11.1");
  CHECK(k8s::control_plane_images({1, 31, 1}, "").coredns == "registry.k8s.io/coredns/coredns:v1.11.3");

  auto v135 = k8s::control_plane_images({1, 35, 1}, "");
  CHECK(v135.apiserver == "registry.k8s.io/kube-apiserver:v1.35.1");
  CHECK(v135.pause == "registry.k8s.io/pause:3.10.1");
  CHECK(v135.etcd == "registry.k8s.io/etcd:3.6.6-0");
  CHECK(v135.coredns == "registry.k8s.io/coredns/coredns:v1.13.1");
  CHECK(k8s::control_plane_images(k8s::k_newest_supported, "").etcd == "registry.k8s.io/etcd:3.6.6-0");

  // pause per minor, as kubeadm of each x.y.0 lists it
  const std::vector<std::pair<int, std::string>> pause{
      {20, "3.2"},  {21, "3.4.1"}, {22, "3.5"},    {23, "3.6"},   {24, "3.7"}, {25, "3.8"},
      {26, "3.9"},  {27, "3.9"},   {28, "3.9"},    {29, "3.9"},   {30, "3.9"}, {31, "3.10"},
      {32, "3.10"}, {33, "3.10"},  {34, "3.10.1"}, {35, "3.10.1"}};
  REQUIRE(pause.back().first == k8s::k_newest_supported.minor);
  for (const auto& [minor, tag] : pause) {
    INFO("minor " << minor);
    CHECK(k8s::control_plane_images({1, minor, 0}, "").pause.ends_with("/pause:" + tag));
  }
}
