// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/net/http.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mk::registry {

// A WWW-Authenticate challenge: its scheme ("Bearer", "Basic") and parameters (names lower-cased).
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> parameters;
};

// Parses `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"`
// (quoted values may hold commas, unquoted ones may not). Only the first challenge of the header is read.
Challenge parse_challenge(std::string_view header);

// Talks to one repository of one registry API endpoint ("https://registry.k8s.io", a mirror's base URL),
// fetching an anonymous bearer token when the registry answers 401 with a Bearer challenge.
class RegistryClient {
public:
  RegistryClient(std::string base_url, std::string repository);

  // The URL of `path` ("manifests/3.9", "blobs/sha256:...") in the repository.
  std::string url(std::string_view path) const;
  // GETs `path` with `headers` and the current token; on a 401 Bearer challenge fetches a token and asks once
  // more. Bodies longer than `max_body` bytes fail the call. Non-2xx answers are returned, not errors.
  Result<net::HttpResponse> get(std::string_view path,
                                std::vector<std::pair<std::string, std::string>> headers, size_t max_body);
  // The Authorization header to send with blob downloads (empty before any token was needed).
  std::vector<std::pair<std::string, std::string>> auth_headers() const;
  // Fetches a fresh token for the last challenge (a long pull may outlive a token). False when there is none.
  Result<bool> refresh_token();

private:
  Status fetch_token(const Challenge& challenge);

  std::string m_base_url;
  std::string m_repository;
  std::string m_token;
  std::optional<Challenge> m_challenge;
};

} // namespace mk::registry
