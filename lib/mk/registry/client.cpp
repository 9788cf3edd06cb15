// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/client.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::registry {

namespace {

constexpr size_t k_max_token_answer = 1 << 20;

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// http_get() refusing bodies larger than `max_body`.
Result<net::HttpResponse> bounded_get(const net::HttpRequest& request, size_t max_body) {
  net::HttpResponse response;
  bool too_large = false;
  auto head = net::http_stream(request, nullptr, [&](std::string_view data) {
    too_large = response.body.size() + data.size() > max_body;
    if (!too_large) response.body += data;
    return !too_large;
  });
  if (too_large)
    return fail(ErrorCode::network,
                fmt::format("the answer from {} is larger than {} bytes", request.url, max_body));
  if (!head) return std::unexpected(std::move(head).error());
  response.head = std::move(*head);
  return response;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

} // namespace

Challenge parse_challenge(std::string_view header) {
  Challenge challenge;
  size_t i = 0;
  while (i < header.size() && is_space(header[i]))
    ++i;
  while (i < header.size() && !is_space(header[i]))
    challenge.scheme += header[i++];
  while (i < header.size()) {
    while (i < header.size() && (is_space(header[i]) || header[i] == ','))
      ++i;
    std::string name;
    while (i < header.size() && header[i] != '=' && header[i] != ',' && !is_space(header[i]))
      name += header[i++];
    while (i < header.size() && is_space(header[i]))
      ++i;
    if (i >= header.size() || header[i] != '=') {
      if (!name.empty()) break; // the scheme of a second challenge: only the first one is read
      continue;
    }
    ++i; // '='
    while (i < header.size() && is_space(header[i]))
      ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      ++i; // closing quote
    } else {
      while (i < header.size() && header[i] != ',' && !is_space(header[i]))
        value += header[i++];
    }
    if (!name.empty()) challenge.parameters[lower(name)] = std::move(value);
  }
  return challenge;
}

RegistryClient::RegistryClient(std::string base_url, std::string repository)
    : m_base_url(std::move(base_url)), m_repository(std::move(repository)) {
  while (m_base_url.ends_with('/'))
    m_base_url.pop_back();
}

std::string RegistryClient::url(std::string_view path) const {
  return fmt::format("{}/v2/{}/{}", m_base_url, m_repository, path);
}

Result<net::HttpResponse> RegistryClient::get(std::string_view path,
                                              std::vector<std::pair<std::string, std::string>> headers,
                                              size_t max_body) {
  for (int attempt = 1;; ++attempt) {
    net::HttpRequest request;
    request.url = url(path);
    request.headers = headers;
    for (auto& header : auth_headers())
      request.headers.push_back(std::move(header));
    auto response = MK_TRY(bounded_get(request, max_body));
    if (response.head.status != 401 || attempt > 1) return response;
    auto it = response.head.headers.find("www-authenticate");
    if (it == response.head.headers.end()) return response;
    auto challenge = parse_challenge(it->second);
    if (lower(challenge.scheme) != "bearer") return response; // Basic: credentials, which mk does not have
    MK_TRY(fetch_token(challenge));
  }
}

std::vector<std::pair<std::string, std::string>> RegistryClient::auth_headers() const {
  if (m_token.empty()) return {};
  return {{"Authorization", "Bearer " + m_token}};
}

Result<bool> RegistryClient::refresh_token() {
  if (!m_challenge) return false;
  auto challenge = *m_challenge;
  MK_TRY(fetch_token(challenge));
  return true;
}

Status RegistryClient::fetch_token(const Challenge& challenge) {
  auto parameter = [&](const char* name) {
    auto it = challenge.parameters.find(name);
    return it == challenge.parameters.end() ? std::string() : it->second;
  };
  auto realm = parameter("realm");
  if (realm.empty())
    return fail(ErrorCode::network,
                fmt::format("{} asks for a bearer token without naming a realm", url("")));
  auto scope = parameter("scope");
  if (scope.empty()) scope = fmt::format("repository:{}:pull", m_repository);
  auto query = fmt::format("scope={}", percent_encode(scope));
  if (auto service = parameter("service"); !service.empty())
    query = fmt::format("service={}&{}", percent_encode(service), query);
  net::HttpRequest request;
  request.url = fmt::format("{}{}{}", realm, realm.find('?') == std::string::npos ? '?' : '&', query);
  auto response = MK_TRY(bounded_get(request, k_max_token_answer));
  if (response.head.status != 200)
    return fail(ErrorCode::network, fmt::format("cannot get an anonymous token from {}: HTTP status {}",
                                                realm, response.head.status));
  auto document = nlohmann::json::parse(response.body, nullptr, false);
  std::string token;
  for (const char* field : {"token", "access_token"})
    if (token.empty() && document.is_object() && document.contains(field) && document[field].is_string())
      token = document[field].get<std::string>();
  if (token.empty())
    return fail(ErrorCode::network, fmt::format("the token service {} answered without a token", realm));
  m_token = std::move(token);
  m_challenge = challenge;
  return {};
}

} // namespace mk::registry
