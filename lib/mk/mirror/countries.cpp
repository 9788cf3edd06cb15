// SPDX-License-Identifier: Apache-2.0
#include "mk/mirror/countries.hpp"

#include <algorithm>

namespace mk::mirror {

namespace {
// Aliyun (Alibaba Cloud, Hangzhou): the mirrors minikube uses for --image-mirror-country=cn.
constexpr std::string_view k_cn_repositories[] = {"registry.cn-hangzhou.aliyuncs.com/google_containers"};

constexpr CountryMirrors k_countries[] = {
    {"cn", k_cn_repositories, "https://kubernetes.oss-cn-hangzhou.aliyuncs.com/kubernetes-release/release",
     "https://kubernetes.oss-cn-hangzhou.aliyuncs.com/minikube-preloaded-volume-tarballs",
     "registry.cn-hangzhou.aliyuncs.com/google_containers",
     "https://kubernetes.oss-cn-hangzhou.aliyuncs.com/mk/node-vm", true},
};
} // namespace

std::span<const CountryMirrors> countries() {
  return k_countries;
}

const CountryMirrors* find_country(std::string_view country) {
  auto it = std::find_if(std::begin(k_countries), std::end(k_countries),
                         [&](const auto& c) { return c.country == country; });
  return it == std::end(k_countries) ? nullptr : &*it;
}

} // namespace mk::mirror
