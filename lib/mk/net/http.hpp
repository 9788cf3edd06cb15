// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mk::net {

// How to trust the server and, optionally, how to prove who we are.
struct TlsOptions {
  std::string ca_file{};          // PEM bundle to trust; empty: the system trust store
  std::string client_cert_file{}; // optional client certificate (PEM), with its key below
  std::string client_key_file{};
};

// One HTTP/1.1 request. Redirects are followed; the peer's certificate and host name are always verified.
struct HttpRequest {
  std::string url{};          // http:// or https://, optional port, path and query
  std::string method = "GET"; // GET or HEAD
  std::vector<std::pair<std::string, std::string>> headers{}; // extra headers, e.g. {"Range", "bytes=100-"}
  TlsOptions tls{};
  std::chrono::milliseconds connect_timeout{
      10000};                                    // name resolution, TCP connect, proxy CONNECT, TLS handshake
  std::chrono::milliseconds idle_timeout{30000}; // longest wait for the next byte once connected
  bool use_proxy_environment = true;             // honour http(s)_proxy / no_proxy (either case)
  int max_redirects = 5;                         // follows 301/302/303/307/308, also across hosts
};

// The status line and headers of the final response.
struct HttpResponseHead {
  int status = 0;
  std::string final_url;                      // the URL that answered, after redirects
  std::map<std::string, std::string> headers; // lower-case names; repeated headers joined with ", "
  std::optional<uint64_t> content_length;
};

// Sends `request` and streams the final response's body to `on_data`, chunk by chunk (return false to stop,
// which fails the call). `on_head` is called once, before any data. A non-2xx status is not an error: it is
// in the head (the bodies of followed redirects are not delivered). Fails with ErrorCode::network naming the
// URL on name resolution, connection, TLS, proxy, timeout and transfer errors; ErrorCode::usage on a
// malformed URL. Synchronous and thread-safe: every call has its own connection.
Result<HttpResponseHead> http_stream(const HttpRequest& request,
                                     const std::function<void(const HttpResponseHead&)>& on_head,
                                     const std::function<bool(std::string_view)>& on_data);

// A whole response, for small answers (healthz, .sha256 files, JSON).
struct HttpResponse {
  HttpResponseHead head;
  std::string body;
};

// http_stream() collecting the body in memory.
Result<HttpResponse> http_get(const HttpRequest& request);

} // namespace mk::net
