// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mk::net {

// An http:// or https:// URL, split for a client.
struct Url {
  std::string scheme;   // "http" or "https", lower-case
  std::string userinfo; // "user:password", percent-decoded, or empty (used for proxies only)
  std::string host;     // without brackets for IPv6 literals
  uint16_t port = 0;    // explicit, or the scheme's default
  std::string target;   // path and query, at least "/"

  bool is_https() const { return scheme == "https"; }
  // "host:port", with brackets around an IPv6 literal.
  std::string authority() const;
  // The URL again, without userinfo or fragment.
  std::string to_string() const;
};

// Whether `host` (no port, no brackets) is the loopback interface: localhost, 127.0.0.0/8 or ::1.
bool is_loopback(std::string_view host);

// `address` ("host:port", "host" or "scheme://host[:port][/path]") with a loopback host replaced by `alias`
// (the address at which a VM node reaches the host's loopback); unchanged when the host is not a loopback one
// or `alias` is empty.
std::string with_loopback_alias(std::string_view address, std::string_view alias);

// Parses an absolute http(s) URL; usage error naming `text` when it is not one.
Result<Url> parse_url(std::string_view text);

// Resolves a redirect's Location (absolute, scheme-relative "//host/x", absolute path "/x" or relative path
// "x") against the URL that answered.
Result<Url> resolve_location(const Url& base, std::string_view location);

// Whether `host` is excluded from proxying by a NO_PROXY value: comma-separated entries, each "*", a host
// name (matching itself and its subdomains, with or without a leading dot), an IP address or an IPv4 CIDR; an
// entry may carry a ":port", which is ignored.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

// The proxy to use for `url` according to the environment (`getenv` reads a variable, nullptr when unset):
// https_proxy/HTTPS_PROXY for https, http_proxy/HTTP_PROXY for http, no_proxy/NO_PROXY exclusions; loopback
// hosts (localhost, 127.0.0.0/8, ::1) never use a proxy. A proxy given without a scheme is http://. None when
// no proxy applies; usage error when the variable does not hold a URL.
using GetEnv = std::function<const char*(const char*)>;
Result<std::optional<Url>> proxy_for(const Url& url, const GetEnv& getenv);

} // namespace mk::net
