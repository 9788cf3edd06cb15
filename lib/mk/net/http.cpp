// SPDX-License-Identifier: Apache-2.0
// The only file that includes Boost.Beast/Asio: everything else talks HTTP through http.hpp.
#include "mk/net/http.hpp"

#include "mk/net/url.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace mk::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr size_t k_chunk_size = 64 * 1024;

using Request = http::request<http::empty_body>;
using Parser = http::response_parser<http::buffer_body>;
using TlsStream = ssl::stream<beast::tcp_stream>;

// The completion handler of every operation: records the error. One type for all operations keeps the number
// of template instantiations, which dominate this file's compile time, low.
struct Completion {
  error_code* error;
  template <class... Args> void operator()(error_code ec, Args&&...) const { *error = ec; }
};

// One connection to a server (possibly tunnelled through a proxy), driven synchronously by its own
// io_context. Every operation is asynchronous underneath, so that tcp_stream's expiry applies (it does not to
// synchronous calls).
struct Connection {
  asio::io_context ioc;
  beast::tcp_stream tcp{ioc};
  std::unique_ptr<ssl::context> context;
  std::unique_ptr<TlsStream> tls; // set once TLS starts; then it owns the socket
  beast::flat_buffer buffer;      // received, not yet parsed

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : tcp; }

  // Starts an operation through `start(Completion)` and runs until it completes or `timeout` passes.
  template <class Start> error_code run(std::chrono::milliseconds timeout, Start&& start) {
    lowest().expires_after(timeout);
    error_code result = asio::error::would_block;
    start(Completion{&result});
    ioc.restart();
    ioc.run();
    return result;
  }
  // Sends a request without a body. Serialised here: http::async_write costs seconds of compile time per
  // stream type (measured: 15 s -> 8 s CPU for this file) for a few lines of text.
  error_code write(const Request& request, std::chrono::milliseconds timeout) {
    auto view = [](beast::string_view text) { return std::string_view(text.data(), text.size()); };
    auto text = fmt::format("{} {} HTTP/1.1\r\n", view(request.method_string()), view(request.target()));
    for (const auto& field : request)
      text += fmt::format("{}: {}\r\n", view(field.name_string()), view(field.value()));
    text += "\r\n";
    return run(timeout, [&](Completion done) {
      if (tls) {
        asio::async_write(*tls, asio::buffer(text), done);
      } else {
        asio::async_write(tcp, asio::buffer(text), done);
      }
    });
  }
  // Reads what arrives into the parser (and its body buffer): need_buffer when that buffer is full. The end
  // of the connection ends a body delimited by it, and truncates anything else (partial_message); a TLS peer
  // may close without close_notify, which counts as that end.
  error_code read_some(Parser& parser, std::chrono::milliseconds timeout) {
    auto ec = run(timeout, [&](Completion done) {
      if (tls) {
        http::async_read_some(*tls, buffer, parser, done);
      } else {
        http::async_read_some(tcp, buffer, parser, done);
      }
    });
    if (ec == ssl::error::stream_truncated && parser.got_some()) parser.put_eof(ec);
    return ec;
  }
  // Reads up to the end of the header (the body waits for a body buffer); `timeout` applies to each read.
  error_code read_header(Parser& parser, std::chrono::milliseconds timeout) {
    while (!parser.is_header_done()) {
      auto ec = read_some(parser, timeout);
      if (ec && ec != http::error::need_buffer) return ec;
    }
    return {};
  }
};

// Lets `parser` take a body of any size.
void allow_any_size(Parser& parser) {
  // body_limit(boost::none) misbehaves in Boost 1.74: it compares Content-Length against the empty optional.
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
}

std::string seconds(std::chrono::milliseconds duration) {
  return fmt::format("{:g}s", static_cast<double>(duration.count()) / 1000.0);
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string host_header(const Url& url) {
  auto name = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return url.port == (url.is_https() ? 443 : 80) ? name : fmt::format("{}:{}", name, url.port);
}

std::string basic_credentials(const std::string& userinfo) {
  std::string encoded(4 * ((userinfo.size() + 2) / 3) + 1, '\0');
  auto length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(userinfo.data()),
                                static_cast<int>(userinfo.size()));
  encoded.resize(static_cast<size_t>(length));
  return "Basic " + encoded;
}

std::unexpected<Error> network_error(std::string message) {
  return fail(ErrorCode::network, std::move(message));
}

// Why an operation on `url` failed, as the end of a message.
std::string describe(const error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return "timed out after " + seconds(timeout);
  return ec.message();
}

Status open_tcp(Connection& connection, const HttpRequest& request, const Url& url, const Url& server) {
  tcp::resolver resolver(connection.ioc);
  tcp::resolver::results_type endpoints;
  error_code ec = asio::error::would_block;
  resolver.async_resolve(server.host, std::to_string(server.port), [&](error_code error, auto results) {
    ec = error;
    endpoints = std::move(results);
  });
  connection.ioc.run();
  if (ec)
    return network_error(
        fmt::format("cannot resolve {} for {}: {}", server.host, url.to_string(), ec.message()));
  ec = connection.run(request.connect_timeout,
                      [&](Completion done) { connection.tcp.async_connect(endpoints, done); });
  if (ec) {
    auto via =
        server.host == url.host && server.port == url.port ? "" : " (via proxy " + server.authority() + ")";
    return network_error(fmt::format("cannot connect to {}{}: {}", url.to_string(), via,
                                     describe(ec, request.connect_timeout)));
  }
  return {};
}

// Asks the proxy for a tunnel to `url`'s host and port.
Status open_tunnel(Connection& connection, const HttpRequest& request, const Url& url, const Url& proxy) {
  Request connect{http::verb::connect, url.authority(), 11};
  connect.set(http::field::host, url.authority());
  connect.set(http::field::user_agent, "mk");
  if (!proxy.userinfo.empty())
    connect.set(http::field::proxy_authorization, basic_credentials(proxy.userinfo));
  auto ec = connection.write(connect, request.connect_timeout);
  Parser parser;
  allow_any_size(parser);
  parser.skip(true); // a 2xx answer to CONNECT has no body: the tunnel starts right after the header
  if (!ec) ec = connection.read_header(parser, request.connect_timeout);
  auto where = fmt::format("proxy {} for {}", proxy.authority(), url.to_string());
  if (ec)
    return network_error(
        fmt::format("CONNECT through {} failed: {}", where, describe(ec, request.connect_timeout)));
  if (parser.get().result_int() / 100 != 2)
    return network_error(fmt::format("{} refused CONNECT with status {}", where, parser.get().result_int()));
  connection.buffer.clear();
  return {};
}

Status start_tls(Connection& connection, const HttpRequest& request, const Url& url) {
  connection.context = std::make_unique<ssl::context>(ssl::context::tls_client);
  auto& context = *connection.context;
  error_code ec;
  const auto& tls = request.tls;
  if (tls.ca_file.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.load_verify_file(tls.ca_file, ec);
  }
  if (ec)
    return fail(ErrorCode::failure,
                fmt::format("cannot load CA certificates {}: {}", tls.ca_file, ec.message()));
  if (!tls.client_cert_file.empty()) {
    context.use_certificate_chain_file(tls.client_cert_file, ec);
    if (!ec) context.use_private_key_file(tls.client_key_file, ssl::context::pem, ec);
    if (ec)
      return fail(ErrorCode::failure, fmt::format("cannot load client certificate {} / key {}: {}",
                                                  tls.client_cert_file, tls.client_key_file, ec.message()));
  }
  context.set_verify_mode(ssl::verify_peer);
  connection.tls = std::make_unique<TlsStream>(std::move(connection.tcp), context);
  SSL* handle = connection.tls->native_handle();
  // OpenSSL checks the name during verification: an IP address against the IP SANs, a host name against the
  // DNS SANs (asio's host_name_verification does the same, but a failure then reads only "certificate verify
  // failed").
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  int set = is_ip_address(url.host) ? X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str())
                                    : X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
  if (set != 1) return network_error(fmt::format("cannot verify the host name of {}", url.to_string()));
  if (!is_ip_address(url.host)) // SNI (SSL_set_tlsext_host_name, without the macro's C-style cast)
    SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(url.host.c_str()));
  ec = connection.run(request.connect_timeout, [&](Completion done) {
    connection.tls->async_handshake(ssl::stream_base::client, done);
  });
  if (!ec) return {};
  auto verified = SSL_get_verify_result(handle);
  auto reason = verified == X509_V_OK ? describe(ec, request.connect_timeout)
                                      : fmt::format("certificate verification failed: {}",
                                                    X509_verify_cert_error_string(verified));
  return network_error(fmt::format("TLS handshake with {} failed: {}", url.to_string(), reason));
}

// The outcome of one request: the head, and the Location to go to when it is a redirect to follow.
struct Answer {
  HttpResponseHead head;
  std::optional<std::string> location;
};

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<Answer> exchange(Connection& connection, const HttpRequest& request, const Url& url,
                        const std::optional<Url>& proxy,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::function<void(const HttpResponseHead&)>& on_head,
                        const std::function<bool(std::string_view)>& on_data) {
  auto verb = http::string_to_verb(request.method);
  bool absolute_form = proxy && !url.is_https();
  Request message{verb, absolute_form ? url.to_string() : url.target, 11};
  message.set(http::field::host, host_header(url));
  message.set(http::field::user_agent, "mk");
  message.set(http::field::connection, "close");
  if (absolute_form && !proxy->userinfo.empty())
    message.set(http::field::proxy_authorization, basic_credentials(proxy->userinfo));
  for (const auto& [name, value] : headers)
    message.set(name, value);

  auto idle = request.idle_timeout;
  auto broken = [&](std::string_view what, const error_code& ec) {
    return network_error(fmt::format("{} {}: {}", what, url.to_string(), describe(ec, idle)));
  };
  auto ec = connection.write(message, idle);
  if (ec) return broken("cannot send the request to", ec);
  Parser parser;
  allow_any_size(parser);
  if (verb == http::verb::head) parser.skip(true);
  ec = connection.read_header(parser, idle);
  if (ec) return broken("no valid answer from", ec);

  Answer answer;
  auto& head = answer.head;
  head.status = parser.get().result_int();
  head.final_url = url.to_string();
  for (const auto& field : parser.get()) {
    auto& value =
        head.headers[lower(std::string_view(field.name_string().data(), field.name_string().size()))];
    if (!value.empty()) value += ", ";
    value.append(field.value().data(), field.value().size());
  }
  if (auto it = head.headers.find("content-length"); it != head.headers.end()) {
    uint64_t length = 0;
    auto [end, error] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), length);
    if (error == std::errc() && end == it->second.data() + it->second.size()) head.content_length = length;
  }
  if (auto it = head.headers.find("location"); it != head.headers.end() && is_redirect(head.status)) {
    answer.location = it->second;
    return answer;
  }
  if (on_head) on_head(head);

  std::vector<char> chunk(k_chunk_size);
  // a read takes at most the buffer's free capacity (at least 512 bytes): without room, a body arrives in
  // 512-byte reads, a system call (and a timer) each
  connection.buffer.reserve(k_chunk_size);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    ec = connection.read_some(parser, idle);
    if (ec == http::error::need_buffer) ec = {};
    auto received = chunk.size() - parser.get().body().size;
    if (received > 0 && on_data && !on_data(std::string_view(chunk.data(), received)))
      return fail(ErrorCode::failure,
                  fmt::format("the transfer of {} was stopped by its receiver", url.to_string()));
    if (ec) return broken("the transfer broke off for", ec);
  }
  return answer;
}

Result<HttpResponseHead> stream_request(const HttpRequest& request,
                                        const std::function<void(const HttpResponseHead&)>& on_head,
                                        const std::function<bool(std::string_view)>& on_data) {
  auto url = MK_TRY(parse_url(request.url));
  if (http::string_to_verb(request.method) == http::verb::unknown)
    return fail(ErrorCode::usage, fmt::format("unknown HTTP method {}", request.method));
  for (const auto& [name, value] : request.headers)
    if (name.empty() || (name + value).find_first_of("\r\n") != std::string::npos)
      return fail(ErrorCode::usage, fmt::format("invalid HTTP header \"{}\" for {}", name, request.url));
  auto headers = request.headers;
  for (int redirects = 0;; ++redirects) {
    std::optional<Url> proxy;
    if (request.use_proxy_environment)
      proxy = MK_TRY(proxy_for(url, [](const char* name) -> const char* { return std::getenv(name); }));
    Connection connection;
    MK_TRY(open_tcp(connection, request, url, proxy ? *proxy : url));
    if (proxy && url.is_https()) MK_TRY(open_tunnel(connection, request, url, *proxy));
    if (url.is_https()) MK_TRY(start_tls(connection, request, url));
    auto answer = MK_TRY(exchange(connection, request, url, proxy, headers, on_head, on_data));
    if (!answer.location) return std::move(answer.head);
    if (redirects >= request.max_redirects)
      return network_error(fmt::format("too many redirects ({}) fetching {}", redirects + 1, request.url));
    auto next = MK_TRY(resolve_location(url, *answer.location));
    if (next.host != url.host) // credentials meant for one host do not follow a redirect to another
      std::erase_if(headers, [](const auto& header) { return lower(header.first) == "authorization"; });
    url = std::move(next);
  }
}

} // namespace

Result<HttpResponseHead> http_stream(const HttpRequest& request,
                                     const std::function<void(const HttpResponseHead&)>& on_head,
                                     const std::function<bool(std::string_view)>& on_data) {
  try {
    return stream_request(request, on_head, on_data);
  } catch (const std::exception& e) {
    return fail(ErrorCode::failure, fmt::format("HTTP request to {} failed: {}", request.url, e.what()));
  }
}

Result<HttpResponse> http_get(const HttpRequest& request) {
  HttpResponse response;
  response.head = MK_TRY(http_stream(request, nullptr, [&](std::string_view data) {
    response.body += data;
    return true;
  }));
  return response;
}

} // namespace mk::net
