// SPDX-License-Identifier: Apache-2.0
#include "mk/net/url.hpp"

#include <catch2/catch.hpp>
#include <map>

using mk::ErrorCode;
using mk::net::no_proxy_matches;
using mk::net::parse_url;
using mk::net::proxy_for;
using mk::net::resolve_location;

TEST_CASE("parse_url splits http and https URLs", "[http]") {
  auto url = parse_url("HTTPS://dl.K8s.io/release/v1.30.0/bin/linux/amd64/kubeadm?x=1#frag").value();
  CHECK(url.scheme == "https");
  CHECK(url.host == "dl.k8s.io");
  CHECK(url.port == 443);
  CHECK(url.target == "/release/v1.30.0/bin/linux/amd64/kubeadm?x=1");
  CHECK(url.to_string() == "https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubeadm?x=1");
  CHECK(url.authority() == "dl.k8s.io:443");

  url = parse_url("http://127.0.0.1:8443").value();
  CHECK(url.port == 8443);
  CHECK(url.target == "/");
  CHECK(url.to_string() == "http://127.0.0.1:8443/");

  url = parse_url("http://example.com?q").value();
  CHECK(url.target == "/?q");

  url = parse_url("https://[::1]:6443/healthz").value();
  CHECK(url.host == "::1");
  CHECK(url.authority() == "[::1]:6443");
  CHECK(url.to_string() == "https://[::1]:6443/healthz");

  url = parse_url("http://us%40er:p%3Ass@proxy:3128").value();
  CHECK(url.userinfo == "us@er:p:ss");
  CHECK(url.host == "proxy");
  CHECK(url.to_string() == "http://proxy:3128/");

  for (auto bad : {"dl.k8s.io/x", "ftp://host/x", "http:///x", "http://host:0/", "http://host:70000/",
                   "http://host:x/", "http://[::1/", "http://host/a b", "http://host/\r\nX: y"}) {
    auto result = parse_url(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::usage);
    CHECK_THAT(result.error().message, Catch::Contains(bad));
  }
}

TEST_CASE("resolve_location resolves redirect targets", "[http]") {
  auto base = parse_url("https://dl.k8s.io/release/v1.30.0/kubeadm?x=1").value();
  CHECK(resolve_location(base, "https://cdn.dl.k8s.io/x/kubeadm")->to_string() ==
        "https://cdn.dl.k8s.io/x/kubeadm");
  CHECK(resolve_location(base, "//mirror.example:8080/y")->to_string() == "https://mirror.example:8080/y");
  CHECK(resolve_location(base, "/other?z=2")->to_string() == "https://dl.k8s.io/other?z=2");
  CHECK(resolve_location(base, "kubelet")->to_string() == "https://dl.k8s.io/release/v1.30.0/kubelet");
  CHECK_FALSE(resolve_location(base, "ftp://host/x"));
}

TEST_CASE("no_proxy_matches follows the common NO_PROXY conventions", "[http]") {
  CHECK(no_proxy_matches("*", "anything.example"));
  CHECK(no_proxy_matches("example.com", "example.com"));
  CHECK(no_proxy_matches("example.com", "dl.example.com"));
  CHECK(no_proxy_matches(".example.com", "dl.example.com"));
  CHECK(no_proxy_matches(".example.com", "example.com"));
  CHECK_FALSE(no_proxy_matches("example.com", "badexample.com"));
  CHECK(no_proxy_matches(" foo , EXAMPLE.com:443 ", "Dl.Example.Com"));
  CHECK(no_proxy_matches("10.0.0.1", "10.0.0.1"));
  CHECK_FALSE(no_proxy_matches("10.0.0.1", "10.0.0.10"));
  CHECK(no_proxy_matches("192.168.49.0/24", "192.168.49.2"));
  CHECK_FALSE(no_proxy_matches("192.168.49.0/24", "192.168.50.2"));
  CHECK(no_proxy_matches("::1,[fd00::1]:443", "fd00::1"));
  CHECK_FALSE(no_proxy_matches("", "example.com"));
  CHECK_FALSE(no_proxy_matches(",,.", "example.com"));
}

TEST_CASE("proxy_for picks the proxy from the environment", "[http]") {
  std::map<std::string, std::string> env;
  auto getenv = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto https = parse_url("https://dl.k8s.io/x").value();
  auto http = parse_url("http://dl.k8s.io/x").value();
  CHECK_FALSE(proxy_for(https, getenv).value());

  env["HTTPS_PROXY"] = "proxy.corp:3128";
  CHECK(proxy_for(https, getenv).value()->to_string() == "http://proxy.corp:3128/");
  CHECK_FALSE(proxy_for(http, getenv).value());
  env["https_proxy"] = "http://lower.corp:8080";
  CHECK(proxy_for(https, getenv).value()->host == "lower.corp");
  env["HTTP_PROXY"] = "http://plain.corp:80";
  CHECK(proxy_for(http, getenv).value()->host == "plain.corp");

  CHECK_FALSE(proxy_for(parse_url("https://localhost:8443/").value(), getenv).value());
  CHECK_FALSE(proxy_for(parse_url("https://127.0.0.1:8443/").value(), getenv).value());
  CHECK_FALSE(proxy_for(parse_url("https://[::1]:8443/").value(), getenv).value());

  env["NO_PROXY"] = "k8s.io";
  CHECK_FALSE(proxy_for(https, getenv).value());
  env["no_proxy"] = "other.io";
  CHECK(proxy_for(https, getenv).value());

  env["https_proxy"] = "https://secure.corp";
  auto result = proxy_for(https, getenv);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::usage);
}

TEST_CASE("registries and mirrors on the host's loopback are rewritten to the VM's gateway", "[net]") {
  using mk::net::with_loopback_alias;
  CHECK(with_loopback_alias("127.0.0.1:5000", "10.0.2.2") == "10.0.2.2:5000");
  CHECK(with_loopback_alias("127.1.2.3:5000", "10.0.2.2") == "10.0.2.2:5000");
  CHECK(with_loopback_alias("localhost:5000", "10.0.2.2") == "10.0.2.2:5000");
  CHECK(with_loopback_alias("localhost", "10.0.2.2") == "10.0.2.2");
  CHECK(with_loopback_alias("http://127.0.0.1:18080/release", "10.0.2.2") == "http://10.0.2.2:18080/release");
  CHECK(with_loopback_alias("https://localhost/v2", "10.0.2.2") == "https://10.0.2.2/v2");
  CHECK(with_loopback_alias("http://[::1]:5000", "10.0.2.2") == "http://10.0.2.2:5000");
  // anything else, and nodes without an alias (containers), keep the address
  CHECK(with_loopback_alias("172.17.0.1:5000", "10.0.2.2") == "172.17.0.1:5000");
  CHECK(with_loopback_alias("https://mirror.example.com:443", "10.0.2.2") ==
        "https://mirror.example.com:443");
  CHECK(with_loopback_alias("http://127.example.com/x", "10.0.2.2") == "http://127.example.com/x");
  CHECK(with_loopback_alias("127.0.0.1:5000", "") == "127.0.0.1:5000");
}
