// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/reference.hpp"

#include <catch2/catch.hpp>
#include <set>

using mk::ErrorCode;
using mk::registry::archive_file_name;
using mk::registry::parse_reference;
using mk::registry::registry_of_repository;

namespace {
const std::string k_hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
}

TEST_CASE("parse_reference fills in Docker Hub defaults", "[registry]") {
  auto busybox = parse_reference("busybox").value();
  CHECK(busybox.registry == "docker.io");
  CHECK(busybox.repository == "library/busybox");
  CHECK(busybox.tag == "latest");
  CHECK(busybox.digest.empty());
  CHECK(busybox.to_string() == "docker.io/library/busybox:latest");
  CHECK(busybox.api_host() == "registry-1.docker.io");

  auto user = parse_reference("kindest/node:v1.30.0").value();
  CHECK(user.registry == "docker.io");
  CHECK(user.repository == "kindest/node");
  CHECK(user.tag == "v1.30.0");

  CHECK(parse_reference("index.docker.io/library/nginx:1.25").value().to_string() ==
        "docker.io/library/nginx:1.25");
  CHECK(parse_reference("docker.io/nginx").value().repository == "library/nginx");
}

TEST_CASE("parse_reference recognises registries, ports and digests", "[registry]") {
  auto pause = parse_reference("registry.k8s.io/pause:3.9").value();
  CHECK(pause.registry == "registry.k8s.io");
  CHECK(pause.repository == "pause");
  CHECK(pause.tag == "3.9");
  CHECK(pause.api_host() == "registry.k8s.io");
  CHECK(pause.to_string() == "registry.k8s.io/pause:3.9");

  auto etcd = parse_reference("172.17.0.1:5000/google_containers/etcd:3.4.13-0").value();
  CHECK(etcd.registry == "172.17.0.1:5000");
  CHECK(etcd.repository == "google_containers/etcd");
  CHECK(etcd.tag == "3.4.13-0");

  auto local = parse_reference("localhost/foo").value();
  CHECK(local.registry == "localhost");
  CHECK(local.repository == "foo");
  CHECK(local.tag == "latest");

  auto ported = parse_reference("localhost:5000/a/b").value();
  CHECK(ported.registry == "localhost:5000");
  CHECK(ported.repository == "a/b");
  CHECK(ported.tag == "latest");

  // "localhost:5000" alone is a Docker Hub name with a tag, as for docker.
  auto not_a_registry = parse_reference("localhost:5000").value();
  CHECK(not_a_registry.to_string() == "docker.io/library/localhost:5000");

  auto by_digest = parse_reference("registry.k8s.io/pause@sha256:" + k_hex).value();
  CHECK(by_digest.tag.empty());
  CHECK(by_digest.digest == "sha256:" + k_hex);
  CHECK(by_digest.manifest_reference() == "sha256:" + k_hex);
  CHECK(by_digest.to_string() == "registry.k8s.io/pause@sha256:" + k_hex);

  auto both = parse_reference("busybox:1.36@sha256:" + k_hex).value();
  CHECK(both.tag == "1.36");
  CHECK(both.digest == "sha256:" + k_hex);
  CHECK(both.manifest_reference() == "sha256:" + k_hex);
  CHECK(both.to_string() == "docker.io/library/busybox:1.36@sha256:" + k_hex);

  CHECK(parse_reference("[::1]:5000/x:y").value().registry == "[::1]:5000");
  CHECK(parse_reference("a/b__c/d-e---f.g:_x.Y-1").value().repository == "a/b__c/d-e---f.g");
}

TEST_CASE("parse_reference rejects invalid references with a usage error naming them", "[registry]") {
  for (const auto& text : std::vector<std::string>{"",
                                                   "Busybox",
                                                   "busybox:",
                                                   "busybox:-x",
                                                   "a//b",
                                                   "/busybox",
                                                   "busybox/",
                                                   "registry.k8s.io/",
                                                   "bad..host/x",
                                                   "-host.io/x",
                                                   "host.io:/x",
                                                   "host.io:12a/x",
                                                   "busy box",
                                                   "busybox@sha256:abc",
                                                   "busybox@md5:" + k_hex,
                                                   "busybox@sha256:" + std::string(64, 'G'),
                                                   "a/b_/c",
                                                   "a/_b",
                                                   "a/b___c",
                                                   "http://registry.k8s.io/pause",
                                                   "busybox:" + std::string(129, 'a'),
                                                   "host.io/" + std::string(250, 'a')}) {
    INFO(text);
    auto reference = parse_reference(text);
    REQUIRE_FALSE(reference);
    CHECK(reference.error().code == ErrorCode::usage);
    CHECK(reference.error().message.find("\"" + text + "\"") != std::string::npos);
  }
}

TEST_CASE("registry_of_repository finds the registry of an image repository setting", "[registry]") {
  CHECK(registry_of_repository("registry.k8s.io") == "registry.k8s.io");
  CHECK(registry_of_repository("registry.cn-hangzhou.aliyuncs.com/google_containers") ==
        "registry.cn-hangzhou.aliyuncs.com");
  CHECK(registry_of_repository("127.0.0.1:5000/x") == "127.0.0.1:5000");
  CHECK(registry_of_repository("kindest") == "docker.io");
  CHECK(registry_of_repository("index.docker.io/library") == "docker.io");
}

TEST_CASE("archive_file_name gives readable, distinct, file-system-safe names", "[registry]") {
  auto name = [](const std::string& text) { return archive_file_name(parse_reference(text).value()); };
  CHECK(name("registry.k8s.io/pause:3.9") == "registry.k8s.io_pause_3.9.tar");
  CHECK(name("registry.k8s.io/coredns/coredns:v1.11.1") == "registry.k8s.io_coredns_coredns_v1.11.1.tar");
  CHECK(name("busybox") == "docker.io_library_busybox_latest.tar");
  CHECK(name("registry.k8s.io/pause:3.9@sha256:" + k_hex) ==
        "registry.k8s.io_pause_3.9@sha256_" + k_hex + ".tar");
  // Names that flattening alone could confuse get a short hash of the reference.
  auto aliyun = name("registry.cn-hangzhou.aliyuncs.com/google_containers/etcd:3.5.9-0");
  CHECK(aliyun.starts_with("registry.cn-hangzhou.aliyuncs.com_google_containers_etcd_3.5.9-0+"));
  CHECK(aliyun.ends_with(".tar"));

  std::set<std::string> names;
  std::vector<std::string> references{"localhost:5000/x:1",
                                      "localhost/5000/x:1",
                                      "host.io/a/b:c",
                                      "host.io/a/b_c",
                                      "host.io/a_b:c",
                                      "host.io/a:b_c",
                                      "host.io/a:b@sha256:" + k_hex,
                                      "host.io/a/b@sha256:" + k_hex,
                                      "host.io/a@sha256:" + k_hex,
                                      "registry.k8s.io/pause:3.9",
                                      "registry.k8s.io/pause:3.10"};
  for (const auto& reference : references) {
    auto file = name(reference);
    INFO(reference << " -> " << file);
    CHECK(file.find_first_of("/:") == std::string::npos);
    CHECK(names.insert(file).second);
  }
}
