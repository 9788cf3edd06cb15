// SPDX-License-Identifier: Apache-2.0
#include "mk/addons/addons.hpp"

#include "mk/mirror/plan.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace mk::addons {

static std::string_view find_file(std::string_view path) {
  for (const auto& file : embedded_files())
    if (file.path == path) return file.content;
  return {};
}

Result<std::vector<Addon>> builtin_addons() {
  std::vector<Addon> addons;
  for (const auto& file : embedded_files()) {
    auto slash = file.path.find('/');
    if (slash == std::string_view::npos || file.path.substr(slash + 1) != "addon.yaml") continue;
    try {
      auto node = YAML::Load(std::string(file.content));
      Addon addon;
      addon.name = node["name"].as<std::string>();
      addon.description = node["description"].as<std::string>("");
      addon.enabled_by_default = node["enabled_by_default"].as<bool>(false);
      if (node["images"])
        for (const auto& image : node["images"])
          addon.images[image.first.as<std::string>()] = image.second.as<std::string>();
      for (const auto& manifest : node["manifests"])
        addon.manifests.push_back(manifest.as<std::string>());
      if (addon.name != file.path.substr(0, slash))
        return fail(ErrorCode::failure, fmt::format("internal: addon {} is described in folder {}",
                                                    addon.name, file.path.substr(0, slash)));
      addons.push_back(std::move(addon));
    } catch (const YAML::Exception& e) {
      return fail(ErrorCode::failure, fmt::format("internal: cannot read {}: {}", file.path, e.what()));
    }
  }
  std::sort(addons.begin(), addons.end(), [](const Addon& a, const Addon& b) { return a.name < b.name; });
  return addons;
}

Result<std::vector<Manifest>> render(const Addon& addon, std::string_view repository, bool flat) {
  std::vector<Manifest> manifests;
  for (const auto& name : addon.manifests) {
    auto content = find_file(addon.name + "/" + name);
    if (content.empty())
      return fail(ErrorCode::failure, fmt::format("internal: addon {} has no file {}", addon.name, name));
    std::string text(content);
    for (const auto& [key, upstream] : addon.images) {
      auto placeholder = "{{image:" + key + "}}";
      auto image = mirror::image_from_repository(upstream, repository, flat);
      for (auto at = text.find(placeholder); at != std::string::npos;
           at = text.find(placeholder, at + image.size()))
        text.replace(at, placeholder.size(), image);
    }
    if (auto at = text.find("{{"); at != std::string::npos)
      return fail(ErrorCode::failure,
                  fmt::format("internal: addon {} file {} has an unknown placeholder", addon.name, name));
    manifests.push_back({name, std::move(text)});
  }
  return manifests;
}

} // namespace mk::addons
