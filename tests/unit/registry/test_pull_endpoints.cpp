// SPDX-License-Identifier: Apache-2.0
// pull_to_archive's endpoints: bearer-token registries with blobs on another host, mirrors, reachability.
#include "mk/registry/pull.hpp"
#include "tests/unit/registry/registry_test_support.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <optional>

using mk::ErrorCode;
using mk::registry::endpoints_for;
using mk::registry::parse_reference;
using mk::registry::pull_to_archive;
using mk::registry::PullOptions;
using mk::registry::registry_reachable;
using mk::test::TempDir;
using mk::test::TestRegistry;
using nlohmann::json;

namespace fs = std::filesystem;

namespace {

bool has_line(const std::vector<std::string>& lines, const std::string& text) {
  return std::ranges::find(lines, text) != lines.end();
}

} // namespace

TEST_CASE("pull_to_archive gets an anonymous bearer token and follows blob redirects without it",
          "[registry]") {
  TestRegistry registry;
  auto pushed = registry.push("test/auth", "v1", "single");
  mk::test::AuthProxy proxy(registry);
  TempDir work;
  PullOptions options;
  options.insecure_registries = {proxy.host()};
  options.blob_cache = work / "blobs";
  auto reference = parse_reference(proxy.host() + "/test/auth:v1").value();

  auto status = pull_to_archive(reference, work / "auth.tar", options);
  REQUIRE(status);
  auto files = mk::test::read_archive(work / "auth.tar");
  auto index = json::parse(files.at("index.json"));
  CHECK(index["manifests"][0]["digest"] == pushed["digest"]);
  CHECK(index["manifests"][0]["annotations"]["io.containerd.image.name"] == proxy.host() + "/test/auth:v1");

  auto log = mk::test::read_lines(proxy.log());
  REQUIRE(log.size() >= 3);
  CHECK(log[0] == "api GET /v2/test/auth/manifests/v1 401 auth=no");
  CHECK(log[1] ==
        "api GET /token?service=mk-test-registry&scope=repository%3Atest%2Fauth%3Apull 200 auth=no");
  CHECK(log[2] == "api GET /v2/test/auth/manifests/v1 200 auth=yes");
  std::vector<std::string> blobs{pushed["platforms"]["linux/amd64"]["config"]};
  for (const auto& layer : pushed["platforms"]["linux/amd64"]["layers"])
    blobs.push_back(layer);
  for (const auto& blob : blobs) {
    INFO(blob);
    CHECK(has_line(log, "api GET /v2/test/auth/blobs/" + blob + " 307 auth=yes"));
    CHECK(has_line(log, "cdn GET /cdn/test/auth/blobs/" + blob + "?signature=x 200 auth=no"));
    CHECK(files.count("blobs/sha256/" + blob.substr(7)) == 1);
  }
  CHECK(std::ranges::count_if(log,
                              [](const std::string& line) { return line.find("/token") != line.npos; }) == 1);
}

TEST_CASE("pull_to_archive tries the registry mirrors first for docker.io images", "[registry]") {
  TestRegistry mirror;
  auto pushed = mirror.push("library/busybox", "mk-test", "single");
  TempDir work;
  PullOptions options;
  options.blob_cache = work / "blobs";
  std::vector<std::string> lines;
  options.progress = [&](std::string_view line) { lines.emplace_back(line); };
  auto closed = "http://127.0.0.1:" + std::to_string(mk::test::free_port());
  options.registry_mirrors = {closed, mirror.url("/")};
  auto reference = parse_reference("busybox:mk-test").value();

  REQUIRE(pull_to_archive(reference, work / "busybox.tar", options));
  auto index = json::parse(mk::test::read_archive(work / "busybox.tar").at("index.json"));
  CHECK(index["manifests"][0]["digest"] == pushed["digest"]);
  CHECK(index["manifests"][0]["annotations"]["io.containerd.image.name"] ==
        "docker.io/library/busybox:mk-test");
  CHECK(std::ranges::any_of(lines, [&](const std::string& line) {
    return line.find("mirror " + closed + " failed") != std::string::npos;
  }));
  CHECK(mirror.count_gets("/v2/library/busybox/manifests/mk-test") == 1);
}

TEST_CASE("endpoints_for lists mirrors for docker.io only, and http for insecure registries", "[registry]") {
  PullOptions options;
  options.registry_mirrors = {"https://mirror.gcr.io/", "10.0.0.1:5000"};
  options.insecure_registries = {"10.0.0.2:5000", "http://10.0.0.3:5000/"};
  CHECK(endpoints_for(parse_reference("busybox").value(), options) ==
        std::vector<std::string>{"https://mirror.gcr.io", "https://10.0.0.1:5000",
                                 "https://registry-1.docker.io"});
  CHECK(endpoints_for(parse_reference("registry.k8s.io/pause:3.9").value(), options) ==
        std::vector<std::string>{"https://registry.k8s.io"});
  CHECK(endpoints_for(parse_reference("10.0.0.2:5000/pause:3.9").value(), options) ==
        std::vector<std::string>{"http://10.0.0.2:5000"});
  CHECK(endpoints_for(parse_reference("10.0.0.3:5000/pause:3.9").value(), options) ==
        std::vector<std::string>{"http://10.0.0.3:5000"});
  CHECK(endpoints_for(parse_reference("10.0.0.4:5000/pause:3.9").value(), options) ==
        std::vector<std::string>{"https://10.0.0.4:5000"});
}

TEST_CASE("registry_reachable asks the registry API, and a registry that never answers is unreachable",
          "[registry]") {
  using namespace std::chrono_literals;
  // Reachable registries answer at once; the generous timeout only bounds a loaded machine.
  TestRegistry registry;
  CHECK(registry_reachable(registry.host() + "/google_containers", 60s, {registry.host()}));
  CHECK(registry_reachable(registry.host(), 60s, {registry.host()}));
  mk::test::AuthProxy proxy(registry); // answers 401 on /v2/
  CHECK(registry_reachable(proxy.host(), 60s, {proxy.host()}));

  auto closed = "127.0.0.1:" + std::to_string(mk::test::free_port());
  CHECK_FALSE(registry_reachable(closed + "/x", 60s, {closed}));

  // Something that accepts the connection and never answers (it reports the accept): only the timeout can
  // end the probe, so the probe returning false after that accept shows the timeout decided.
  std::optional<mk::test::ChildProcess> silent;
  silent.emplace(std::vector<std::string>{"python3", "-c",
                                          "import socket,time\n"
                                          "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
                                          "print(s.getsockname()[1], flush=True)\n"
                                          "c,_=s.accept(); print('accepted', flush=True); time.sleep(3600)"});
  auto silent_host = "127.0.0.1:" + silent->read_line();
  auto probe =
      std::async(std::launch::async, [&] { return registry_reachable(silent_host, 2s, {silent_host}); });
  // hang guard only: a probe that ignored its timeout would wait for the server forever
  bool returned = probe.wait_for(120s) == std::future_status::ready;
  if (!returned) silent.reset(); // ends the connection, so the probe returns and the test can report it
  REQUIRE(returned);
  CHECK_FALSE(probe.get());
  CHECK(silent->read_line() == "accepted");
}
