// SPDX-License-Identifier: Apache-2.0
#include "mk/net/url.hpp"

#include "mk/core/strings.hpp"
#include "mk/net/ipv4.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace mk::net {

namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string percent_decode(std::string_view text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr == text.data() + i + 3) {
      result += static_cast<char>(value);
      i += 2;
    } else {
      result += text[i];
    }
  }
  return result;
}

std::unexpected<Error> invalid(std::string_view text, std::string_view why) {
  return fail(ErrorCode::usage, fmt::format("invalid URL \"{}\": {}", text, why));
}

// The path and query of `rest` (everything after the authority), without the fragment, at least "/".
std::string target_of(std::string_view rest) {
  rest = rest.substr(0, rest.find('#'));
  std::string target;
  if (rest.empty() || rest.front() != '/') target.push_back('/');
  target.append(rest);
  return target;
}

} // namespace

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  auto address = parse_ipv4(host);
  return address && (address->value >> 24) == 127;
}

std::string with_loopback_alias(std::string_view address, std::string_view alias) {
  if (alias.empty()) return std::string(address);
  auto scheme_end = address.find("://");
  auto host_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto host_end =
      address.find_first_of(":/", address[host_begin] == '[' ? address.find(']', host_begin) : host_begin);
  if (host_end == std::string_view::npos) host_end = address.size();
  auto host = address.substr(host_begin, host_end - host_begin);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (!is_loopback(host)) return std::string(address);
  return std::string(address.substr(0, host_begin)) + std::string(alias) +
         std::string(address.substr(host_end));
}

std::string Url::authority() const {
  auto name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format("{}:{}", name, port);
}

std::string Url::to_string() const {
  uint16_t default_port = is_https() ? 443 : 80;
  auto name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port) name += fmt::format(":{}", port);
  return fmt::format("{}://{}{}", scheme, name, target);
}

Result<Url> parse_url(std::string_view text) {
  if (std::ranges::any_of(text, [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return invalid(text, "spaces or control characters");
  auto separator = text.find("://");
  if (separator == std::string_view::npos) return invalid(text, "no scheme");
  Url url;
  url.scheme = lower(text.substr(0, separator));
  if (url.scheme != "http" && url.scheme != "https")
    return invalid(text, "only http and https are supported");
  auto rest = text.substr(separator + 3);
  auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  url.target =
      target_of(authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = percent_decode(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid(text, "unterminated IPv6 address");
    url.host = lower(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return invalid(text, "garbage after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    url.host = lower(authority.substr(0, colon));
    port = authority.substr(colon + 1);
  } else {
    url.host = lower(authority);
  }
  if (url.host.empty()) return invalid(text, "no host");
  url.port = url.is_https() ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return invalid(text, "bad port");
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

Result<Url> resolve_location(const Url& base, std::string_view location) {
  location = core::trim(location);
  auto scheme_end = location.find("://");
  if (scheme_end != std::string_view::npos && location.find_first_of("/?#") > scheme_end)
    return parse_url(location);
  if (location.starts_with("//")) return parse_url(base.scheme + ":" + std::string(location));
  Url url = base;
  url.userinfo.clear();
  if (location.starts_with('/')) {
    url.target = target_of(location);
    return url;
  }
  auto path = std::string_view(base.target).substr(0, base.target.find('?'));
  auto directory = path.substr(0, path.rfind('/') + 1);
  url.target = target_of(std::string(directory) + std::string(location));
  return url;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
  auto name = lower(host);
  for (const auto& item : core::split(no_proxy, ',', true)) {
    auto entry = lower(core::trim(item));
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.starts_with('[')) {
      entry = entry.substr(1, entry.find(']') - 1);
    } else if (auto colon = entry.find(':');
               colon != std::string::npos && entry.find(':', colon + 1) == std::string::npos) {
      entry.resize(colon); // "host:port"; several colons mean an IPv6 address
    }
    if (entry.find('/') != std::string::npos) {
      auto cidr = parse_cidr(entry);
      auto address = parse_ipv4(name);
      if (cidr && address && cidr->contains(*address)) return true;
      continue;
    }
    if (entry.starts_with('.')) entry.erase(0, 1);
    if (entry.empty()) continue;
    if (name == entry || (name.size() > entry.size() && name.ends_with("." + entry))) return true;
  }
  return false;
}

Result<std::optional<Url>> proxy_for(const Url& url, const GetEnv& getenv) {
  if (is_loopback(url.host)) return std::nullopt;
  auto variable = [&](const char* lower_name, const char* upper_name) -> std::string_view {
    for (const char* name : {lower_name, upper_name}) {
      const char* value = getenv(name);
      if (value && *value) return value;
    }
    return {};
  };
  auto proxy = url.is_https() ? variable("https_proxy", "HTTPS_PROXY") : variable("http_proxy", "HTTP_PROXY");
  if (proxy.empty()) return std::nullopt;
  if (no_proxy_matches(variable("no_proxy", "NO_PROXY"), url.host)) return std::nullopt;
  auto text =
      proxy.find("://") == std::string_view::npos ? "http://" + std::string(proxy) : std::string(proxy);
  auto parsed = parse_url(text);
  if (!parsed) return fail(std::move(parsed).error().wrap("proxy setting"));
  if (parsed->is_https())
    return fail(ErrorCode::usage,
                fmt::format("proxy {}: only http:// proxies are supported", parsed->to_string()));
  return std::optional<Url>(std::move(*parsed));
}

} // namespace mk::net
