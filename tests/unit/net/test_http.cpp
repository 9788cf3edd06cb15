// SPDX-License-Identifier: Apache-2.0
#include "mk/net/http.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <catch2/catch.hpp>

using mk::ErrorCode;
using mk::net::http_get;
using mk::net::http_stream;
using mk::net::HttpRequest;
using mk::test::HttpTestServer;
using mk::test::ScopedEnv;
using mk::test::TempDir;

namespace {

HttpRequest get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

// Clears every proxy variable for the scope, so the tests see the same environment everywhere.
struct NoProxyEnvironment {
  ScopedEnv variables[8]{{"http_proxy", std::nullopt},  {"HTTP_PROXY", std::nullopt},
                         {"https_proxy", std::nullopt}, {"HTTPS_PROXY", std::nullopt},
                         {"no_proxy", std::nullopt},    {"NO_PROXY", std::nullopt},
                         {"all_proxy", std::nullopt},   {"ALL_PROXY", std::nullopt}};
};

} // namespace

TEST_CASE("http_get returns status, headers and body", "[http]") {
  TempDir dir;
  auto content = mk::test::sample_content(100 * 1000);
  mk::test::write_bytes(dir / "file", content);
  HttpTestServer server(dir.path(), {"--redirect-prefix", "/r/"});

  SECTION("a file") {
    auto response = http_get(get(server.url("/file?x=1")));
    REQUIRE(response);
    CHECK(response->head.status == 200);
    CHECK(response->head.final_url == server.url("/file?x=1"));
    CHECK(response->head.content_length == content.size());
    CHECK(response->head.headers.at("accept-ranges") == "bytes");
    CHECK(response->body == content);
  }
  SECTION("an error status is an answer, not an error") {
    auto response = http_get(get(server.url("/missing")));
    REQUIRE(response);
    CHECK(response->head.status == 404);
  }
  SECTION("HEAD") {
    auto request = get(server.url("/file"));
    request.method = "HEAD";
    auto response = http_get(request);
    REQUIRE(response);
    CHECK(response->head.status == 200);
    CHECK(response->head.content_length == content.size());
    CHECK(response->body.empty());
  }
  SECTION("a range") {
    auto request = get(server.url("/file"));
    request.headers.emplace_back("Range", "bytes=10-19");
    auto response = http_get(request);
    REQUIRE(response);
    CHECK(response->head.status == 206);
    CHECK(response->body == content.substr(10, 10));
  }
  SECTION("a redirect is followed") {
    int heads = 0;
    std::string body;
    auto head = http_stream(
        get(server.url("/r/file")), [&](const auto& answer) { heads += answer.status == 200 ? 1 : 100; },
        [&](std::string_view data) {
          body += data;
          return true;
        });
    REQUIRE(head);
    CHECK(heads == 1);
    CHECK(head->final_url == server.url("/file"));
    CHECK(body == content);
  }
  SECTION("too many redirects") {
    auto request = get(server.url("/r/r/file"));
    request.max_redirects = 1;
    auto response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::network);
    CHECK_THAT(response.error().message, Catch::Contains("too many redirects"));
  }
  SECTION("the receiver stops the transfer") {
    auto head = http_stream(get(server.url("/file")), nullptr, [](std::string_view) { return false; });
    REQUIRE_FALSE(head);
    CHECK_THAT(head.error().message, Catch::Contains(server.url("/file")));
  }
}

TEST_CASE("http_get reads chunked bodies", "[http]") {
  TempDir dir;
  auto content = mk::test::sample_content(70 * 1000);
  mk::test::write_bytes(dir / "file", content);
  HttpTestServer server(dir.path(), {"--chunked"});
  auto response = http_get(get(server.url("/file")));
  REQUIRE(response);
  CHECK(response->head.headers.at("transfer-encoding") == "chunked");
  CHECK_FALSE(response->head.content_length);
  CHECK(response->body == content);
}

TEST_CASE("http_get fails with a network error naming the URL", "[http]") {
  TempDir dir;
  mk::test::write_bytes(dir / "file", mk::test::sample_content(100 * 1000));

  SECTION("connection refused") {
    std::string url;
    {
      HttpTestServer stopped(dir.path(), {});
      url = stopped.url("/file");
    }
    auto response = http_get(get(url));
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::network);
    CHECK_THAT(response.error().message, Catch::Contains("cannot connect to " + url));
  }
  SECTION("the server stops sending") {
    HttpTestServer server(dir.path(), {"--stall-after", "1000"});
    auto request = get(server.url("/file"));
    request.idle_timeout = std::chrono::milliseconds(300);
    auto started = std::chrono::steady_clock::now();
    auto response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    CHECK(response.error().code == ErrorCode::network);
    CHECK_THAT(response.error().message,
               Catch::Contains(request.url) && Catch::Contains("timed out after 0.3s"));
  }
  SECTION("a header that would split the request is a usage error") {
    auto request = get("http://127.0.0.1:1/file");
    request.headers.emplace_back("X-Test", "a\r\nInjected: yes");
    auto response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::usage);
  }
  SECTION("a malformed URL is a usage error") {
    auto response = http_get(get("ftp://example.com/file"));
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::usage);
  }
}

TEST_CASE("http_get over TLS verifies the server and can present a client certificate", "[http]") {
  TempDir dir;
  mk::test::make_certificates(dir.path());
  mk::test::write_bytes(dir / "file", "hello");
  auto file = [&](const char* name) { return (dir / name).string(); };
  HttpTestServer server(
      dir.path(),
      {"--tls-cert", file("server.crt"), "--tls-key", file("server.key"), "--client-ca", file("ca.crt")},
      true);
  auto request = get(server.url("/file"));
  request.tls.ca_file = file("ca.crt");

  SECTION("with a client certificate") {
    request.tls.client_cert_file = file("client.crt");
    request.tls.client_key_file = file("client.key");
    auto response = http_get(request);
    REQUIRE(response);
    CHECK(response->body == "hello");
  }
  SECTION("without one the server refuses") {
    auto response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::network);
  }
  SECTION("a missing CA file") {
    request.tls.ca_file = file("missing.crt");
    auto response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK_THAT(response.error().message, Catch::Contains("missing.crt"));
  }
}

TEST_CASE("http_get goes through the proxy named by the environment", "[http]") {
  NoProxyEnvironment clean;
  TempDir dir;
  mk::test::make_certificates(dir.path());
  mk::test::write_bytes(dir / "file", "through the proxy");
  auto log = dir / "proxy.log";
  HttpTestServer proxy(dir.path(), {"--proxy", "--access-log", log.string()});
  auto proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());

  SECTION("http: the request is sent to the proxy in absolute form") {
    ScopedEnv variable("HTTP_PROXY", proxy_url);
    auto url = "http://mk.test:" + std::to_string(proxy.port()) + "/file";
    auto response = http_get(get(url));
    REQUIRE(response);
    CHECK(response->body == "through the proxy");
    REQUIRE(mk::test::read_lines(log).size() == 1);
    CHECK_THAT(mk::test::read_lines(log)[0], Catch::StartsWith("GET " + url + " - 200"));
  }
  SECTION("https: a CONNECT tunnel, with the host name checked against the certificate") {
    HttpTestServer server(
        dir.path(), {"--tls-cert", (dir / "server.crt").string(), "--tls-key", (dir / "server.key").string()},
        true);
    ScopedEnv variable("https_proxy", proxy_url);
    auto request = get("https://mk.test:" + std::to_string(server.port()) + "/file");
    request.tls.ca_file = (dir / "ca.crt").string();
    auto response = http_get(request);
    REQUIRE(response);
    CHECK(response->body == "through the proxy");
    REQUIRE(mk::test::read_lines(log).size() == 1);
    CHECK_THAT(mk::test::read_lines(log)[0],
               Catch::StartsWith("CONNECT mk.test:" + std::to_string(server.port())));

    request.url = "https://wrong.test:" + std::to_string(server.port()) + "/file";
    response = http_get(request);
    REQUIRE_FALSE(response);
    CHECK(response.error().code == ErrorCode::network);
    CHECK_THAT(response.error().message, Catch::Contains("certificate verification failed") &&
                                             Catch::Contains("hostname mismatch") &&
                                             Catch::Contains(request.url));
  }
  SECTION("loopback addresses never use the proxy") {
    ScopedEnv variable("HTTP_PROXY", "http://127.0.0.1:1");
    HttpTestServer server(dir.path(), {});
    auto response = http_get(get(server.url("/file")));
    REQUIRE(response);
    CHECK(response->body == "through the proxy");
  }
}
