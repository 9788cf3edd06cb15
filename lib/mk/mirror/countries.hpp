// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace mk::mirror {

// Where one country's users get everything mk downloads (--image-mirror-country). One row per country in
// countries.cpp; adding a country is adding a row.
struct CountryMirrors {
  std::string_view country; // "cn"
  std::span<const std::string_view>
      image_repositories;                 // candidates for --image-repository, most preferred first
  std::string_view binary_base;           // replaces https://dl.k8s.io/release
  std::string_view preload_base;          // replaces the preload bucket
  std::string_view base_image_repository; // the kicbase image is taken from here
  std::string_view vm_image_base;         // replaces k_default_vm_image_base (the VM node image)
  bool flat_image_names;                  // "<repo>/<last path component>" (Aliyun keeps no sub-paths)
};

// Every country with mirrors.
std::span<const CountryMirrors> countries();
// The row of `country` (lower-case ISO code), or nullptr.
const CountryMirrors* find_country(std::string_view country);

} // namespace mk::mirror
