// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/reference.hpp"

#include "mk/core/hash.hpp"
#include "mk/core/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::registry {

namespace {

constexpr std::string_view k_docker_hub = "docker.io";
constexpr size_t k_max_name_length = 255;
constexpr size_t k_max_tag_length = 128;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_hex(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*
bool valid_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alnum(component.front()) || !is_lower_alnum(component.back()))
    return false;
  for (size_t i = 0; i < component.size();) {
    if (is_lower_alnum(component[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < component.size() && !is_lower_alnum(component[end]))
      ++end;
    auto separator = component.substr(i, end - i);
    bool dashes = std::ranges::all_of(separator, [](char c) { return c == '-'; });
    if (separator != "." && separator != "_" && separator != "__" && !dashes) return false;
    i = end;
  }
  return true;
}

// [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view component) {
  return !component.empty() && is_alnum(component.front()) && is_alnum(component.back()) &&
         std::ranges::all_of(component, [](char c) { return is_alnum(c) || c == '-'; });
}

// host (dot-separated components, or a bracketed IPv6 literal) with an optional ":port".
bool valid_domain(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  if (domain.starts_with('[')) {
    auto close = domain.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    auto literal = domain.substr(1, close - 1);
    if (!std::ranges::all_of(literal, [](char c) { return c == ':' || c == '.' || is_alnum(c); }))
      return false;
    auto rest = domain.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return false;
    if (!rest.empty()) port = rest.substr(1);
    if (!rest.empty() && port.empty()) return false;
  } else {
    if (auto colon = domain.find(':'); colon != std::string_view::npos) {
      host = domain.substr(0, colon);
      port = domain.substr(colon + 1);
      if (port.empty()) return false;
    }
    for (const auto& component : core::split(host, '.'))
      if (!valid_domain_component(component)) return false;
  }
  return std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; }) && port.size() <= 5;
}

// [\w][\w.-]{0,127}
bool valid_tag(std::string_view tag) {
  auto word = [](char c) { return is_alnum(c) || c == '_'; };
  return !tag.empty() && tag.size() <= k_max_tag_length && word(tag.front()) &&
         std::ranges::all_of(tag, [&](char c) { return word(c) || c == '.' || c == '-'; });
}

bool names_registry(std::string_view component) {
  return component.find_first_of(".:") != std::string_view::npos || component == "localhost" ||
         std::ranges::any_of(component, [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

std::string ImageReference::to_string() const {
  auto text = registry + "/" + repository;
  if (!tag.empty()) text += ":" + tag;
  if (!digest.empty()) text += "@" + digest;
  return text;
}

std::string ImageReference::api_host() const {
  return registry == k_docker_hub ? std::string("registry-1.docker.io") : registry;
}

Result<ImageReference> parse_reference(std::string_view text) {
  auto invalid = [&](std::string_view reason) {
    return fail(ErrorCode::usage, fmt::format("invalid image reference \"{}\": {}", text, reason));
  };
  if (text.empty()) return invalid("it is empty");
  ImageReference reference;
  std::string_view name = text;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    auto digest = name.substr(at + 1);
    name = name.substr(0, at);
    if (!digest.starts_with("sha256:") || digest.size() != 71 || !is_hex(digest.substr(7)))
      return invalid("the digest must be sha256: followed by 64 lower-case hex digits");
    reference.digest = std::string(digest);
  }
  auto last_slash = name.rfind('/');
  if (auto colon = name.rfind(':');
      colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    auto tag = name.substr(colon + 1);
    if (!valid_tag(tag)) return invalid("the tag must be 1-128 letters, digits, '_', '.' or '-'");
    reference.tag = std::string(tag);
    name = name.substr(0, colon);
  }
  std::string_view path = name;
  auto first_slash = name.find('/');
  if (first_slash != std::string_view::npos && names_registry(name.substr(0, first_slash))) {
    auto domain = name.substr(0, first_slash);
    if (!valid_domain(domain)) return invalid(fmt::format("\"{}\" is not a valid registry", domain));
    reference.registry = domain == "index.docker.io" ? std::string(k_docker_hub) : std::string(domain);
    path = name.substr(first_slash + 1);
  } else {
    reference.registry = std::string(k_docker_hub);
  }
  if (path.empty()) return invalid("the repository name is empty");
  for (const auto& component : core::split(path, '/'))
    if (!valid_path_component(component))
      return invalid(fmt::format("\"{}\" is not a valid repository name (lower-case letters, digits and "
                                 "single separators '.', '_', '__' or '-' between them)",
                                 path));
  reference.repository = std::string(path);
  if (reference.registry == k_docker_hub && path.find('/') == std::string_view::npos)
    reference.repository = "library/" + reference.repository;
  if (name.size() > k_max_name_length) return invalid("the name is longer than 255 characters");
  if (reference.tag.empty() && reference.digest.empty()) reference.tag = "latest";
  return reference;
}

std::string registry_of_repository(std::string_view repository) {
  auto first = repository.substr(0, repository.find('/'));
  if (!names_registry(first)) return std::string(k_docker_hub);
  return first == "index.docker.io" ? std::string(k_docker_hub) : std::string(first);
}

std::string archive_file_name(const ImageReference& reference) {
  auto flatten = [](std::string text) {
    std::ranges::replace(text, '/', '_');
    std::ranges::replace(text, ':', '_');
    return text;
  };
  auto name = flatten(reference.registry + "/" + reference.repository);
  if (!reference.tag.empty()) name += "_" + reference.tag;
  if (!reference.digest.empty()) name += "@" + flatten(reference.digest);
  bool ambiguous = reference.repository.find('_') != std::string::npos ||
                   reference.tag.find('_') != std::string::npos ||
                   reference.registry.find_first_of(":[") != std::string::npos || reference.tag.empty();
  if (ambiguous) name += "+" + core::sha256_hex(reference.to_string()).substr(0, 8);
  return name + ".tar";
}

} // namespace mk::registry
