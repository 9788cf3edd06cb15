// SPDX-License-Identifier: Apache-2.0
#include "mk/addons/addons.hpp"

#include "mk/mirror/plan.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace mk::addons {

namespace {
std::string_view find_file(std::string_view path) {
  for (const auto& file : embedded_files())
    if (file.path == path) return file.content;
  return {};
}

// The text before the first '/' when it names a registry (as registry::parse_reference decides), else
// empty.
std::string_view explicit_registry(std::string_view reference) {
  auto slash = reference.find('/');
  if (slash == std::string_view::npos) return {};
  auto first = reference.substr(0, slash);
  bool registry = first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
                  first == "localhost";
  return registry ? first : std::string_view{};
}

std::string without_digest(std::string reference) {
  if (auto at = reference.find('@'); at != std::string::npos) reference.resize(at);
  return reference;
}

Image read_image(const YAML::Node& node) {
  Image image;
  if (node.IsScalar()) {
    image.upstream = node.as<std::string>();
    return image;
  }
  for (const auto& entry : node) {
    auto key = entry.first.as<std::string>();
    if (key == "upstream")
      image.upstream = entry.second.as<std::string>();
    else
      image.country_names[key] = entry.second.as<std::string>();
  }
  return image;
}
} // namespace

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
      addon.pod_namespace = node["namespace"].as<std::string>("");
      addon.pod_selector = node["pods"].as<std::string>("");
      if (node["images"])
        for (const auto& image : node["images"])
          addon.images[image.first.as<std::string>()] = read_image(image.second);
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

std::string addon_names() {
  std::string names;
  if (auto all = builtin_addons())
    for (const auto& addon : *all)
      names += (names.empty() ? "" : ", ") + addon.name;
  return names;
}

Result<Addon> find_addon(std::string_view name) {
  for (auto& addon : MK_TRY(builtin_addons()))
    if (addon.name == name) return std::move(addon);
  return fail(ErrorCode::usage, fmt::format("unknown addon \"{}\"; the addons are: {}", name, addon_names()));
}

std::string image_reference(const std::string& role, const Image& image, const ImageSources& sources) {
  std::string reference;
  if (auto custom = sources.custom_images.find(role); custom != sources.custom_images.end())
    reference = custom->second;
  else if (auto named = image.country_names.find(sources.country);
           !sources.country.empty() && named != image.country_names.end())
    reference = named->second;
  else
    reference = mirror::image_from_repository(image.upstream, sources.repository, sources.flat);
  if (auto registry = sources.custom_registries.find(role); registry != sources.custom_registries.end()) {
    auto current = explicit_registry(reference);
    reference = fmt::format("{}/{}", registry->second,
                            current.empty() ? std::string_view(reference)
                                            : std::string_view(reference).substr(current.size() + 1));
  }
  return reference == image.upstream ? reference : without_digest(std::move(reference));
}

std::string registry_of(std::string_view reference) {
  auto registry = explicit_registry(reference);
  return registry.empty() ? std::string("docker.io") : std::string(registry);
}

Result<std::vector<Manifest>> render(const Addon& addon, const ImageSources& sources) {
  std::vector<Manifest> manifests;
  for (const auto& name : addon.manifests) {
    auto content = find_file(addon.name + "/" + name);
    if (content.empty())
      return fail(ErrorCode::failure, fmt::format("internal: addon {} has no file {}", addon.name, name));
    std::string text(content);
    for (const auto& [role, image] : addon.images) {
      auto placeholder = "{{image:" + role + "}}";
      auto reference = image_reference(role, image, sources);
      for (auto at = text.find(placeholder); at != std::string::npos;
           at = text.find(placeholder, at + reference.size()))
        text.replace(at, placeholder.size(), reference);
    }
    if (auto at = text.find("{{"); at != std::string::npos)
      return fail(ErrorCode::failure,
                  fmt::format("internal: addon {} file {} has an unknown placeholder", addon.name, name));
    manifests.push_back({name, std::move(text)});
  }
  return manifests;
}

} // namespace mk::addons
