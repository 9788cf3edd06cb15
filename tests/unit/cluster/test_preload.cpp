// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/preload.hpp"
#include "mk/core/strings.hpp"
#include "mk/net/download.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <catch2/catch.hpp>

using mk::ErrorCode;
using mk::cluster::fetch_preload;
using mk::cluster::find_preload;
using mk::cluster::preload_cache_path;
using mk::cluster::PreloadAvailability;
using mk::test::HttpTestServer;
using mk::test::TempDir;

namespace fs = std::filesystem;

namespace {

constexpr const char* preload_name = "preloaded-images-k8s-v18-v1.20.2-containerd-overlay2-amd64.tar.lz4";

// Keeps the lines the code under test shows the user.
class RecordingReporter final : public mk::ui::Reporter {
public:
  void step_started(std::string_view) override {}
  void step_progress(std::string_view) override {}
  void step_finished(bool) override {}
  void info(std::string_view line) override { infos.emplace_back(line); }
  void warning(std::string_view line) override { warnings.emplace_back(line); }
  bool interactive() const override { return false; }

  std::vector<std::string> infos;
  std::vector<std::string> warnings;
};

// A mirror directory holding a preload tarball and its .sha256, an MK_HOME to fetch into, and the test
// server's access log.
struct Fixture {
  TempDir served;
  TempDir home;
  mk::core::Paths paths{home.path()};
  std::string content = mk::test::sample_content(64 * 1024);
  std::string sha256;
  fs::path log = served / "access.log";
  RecordingReporter ui;
  mk::ui::Transfers transfers{ui};

  Fixture() {
    mk::test::write_bytes(served / preload_name, content);
    sha256 = mk::net::sha256_of_file(served / preload_name).value();
    mk::test::write_bytes(served / (std::string(preload_name) + ".sha256"), sha256 + "\n");
  }
  mk::mirror::RemoteFile preload_on(const HttpTestServer& server) const {
    auto url = server.url(std::string("/") + preload_name);
    return {preload_name, url, url + ".sha256"};
  }
  // Every file under MK_HOME/cache.
  std::vector<fs::path> cached_files() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(paths.cache_dir(), ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file()) files.push_back(it->path());
    return files;
  }
  // The access log's lines for requests with `method` of the tarball itself.
  size_t requests_of_tarball(const std::string& method) const {
    size_t count = 0;
    for (const auto& line : mk::test::read_lines(log)) {
      auto words = mk::core::words(line);
      if (words.size() >= 2 && words[0] == method && words[1] == std::string("/") + preload_name) ++count;
    }
    return count;
  }
};

} // namespace

TEST_CASE("fetch_preload checks the tarball against the published sha256", "[preload]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {});
  auto fetched = fetch_preload(fixture.paths, fixture.preload_on(server), fixture.ui, fixture.transfers);
  REQUIRE(fetched);
  CHECK(*fetched == preload_cache_path(fixture.paths, fixture.preload_on(server)));
  CHECK(mk::test::read_bytes(*fetched) == fixture.content);
  CHECK(fixture.ui.warnings.empty());
  CHECK(find_preload(fixture.paths, fixture.preload_on(server), false) == PreloadAvailability::cached);
}

TEST_CASE("fetch_preload fails closed when the checksum cannot be fetched", "[preload]") {
  Fixture fixture;

  SECTION("the server fails (500)") {
    HttpTestServer server(fixture.served.path(),
                          {"--status", ".sha256=500", "--access-log", fixture.log.string()});
    auto fetched = fetch_preload(fixture.paths, fixture.preload_on(server), fixture.ui, fixture.transfers);
    REQUIRE_FALSE(fetched);
    CHECK(fetched.error().code == ErrorCode::network);
    CHECK_THAT(fetched.error().summary(), Catch::Contains(".sha256") && Catch::Contains("500"));
    CHECK_THAT(fetched.error().advice, Catch::Contains("retry later"));
    CHECK(fixture.requests_of_tarball("GET") == 0);
  }
  SECTION("the server is unavailable (503)") {
    HttpTestServer server(fixture.served.path(), {"--status", ".sha256=503"});
    auto fetched = fetch_preload(fixture.paths, fixture.preload_on(server), fixture.ui, fixture.transfers);
    REQUIRE_FALSE(fetched);
    CHECK(fetched.error().code == ErrorCode::network);
  }
  SECTION("nothing answers (connection refused)") {
    mk::mirror::RemoteFile preload;
    {
      HttpTestServer stopped(fixture.served.path(), {});
      preload = fixture.preload_on(stopped);
    }
    auto fetched = fetch_preload(fixture.paths, preload, fixture.ui, fixture.transfers);
    REQUIRE_FALSE(fetched);
    CHECK(fetched.error().code == ErrorCode::network);
    CHECK_THAT(fetched.error().advice, Catch::Contains("retry later"));
  }
  CHECK(fixture.ui.warnings.empty());
  CHECK(fixture.cached_files().empty());
}

TEST_CASE("fetch_preload uses the tarball unverified, with a warning, when no checksum is published",
          "[preload]") {
  Fixture fixture;
  auto status = GENERATE("404", "410");
  HttpTestServer server(fixture.served.path(), {"--status", std::string(".sha256=") + status});
  auto fetched = fetch_preload(fixture.paths, fixture.preload_on(server), fixture.ui, fixture.transfers);
  REQUIRE(fetched);
  CHECK(mk::test::read_bytes(*fetched) == fixture.content);
  REQUIRE(fixture.ui.warnings.size() == 1);
  CHECK_THAT(fixture.ui.warnings[0], Catch::Contains("unverified") && Catch::Contains(status));
  CHECK(find_preload(fixture.paths, fixture.preload_on(server), false) == PreloadAvailability::cached);
}

TEST_CASE("fetch_preload rejects a tarball that does not match the published sha256", "[preload]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {"--corrupt"});
  auto fetched = fetch_preload(fixture.paths, fixture.preload_on(server), fixture.ui, fixture.transfers);
  REQUIRE_FALSE(fetched);
  CHECK(fetched.error().code == ErrorCode::checksum);
  CHECK(find_preload(fixture.paths, fixture.preload_on(server), false) == PreloadAvailability::absent);
}

TEST_CASE("find_preload remembers only a definite absence of the tarball", "[preload]") {
  Fixture fixture;

  SECTION("published: remote") {
    HttpTestServer server(fixture.served.path(), {"--access-log", fixture.log.string()});
    CHECK(find_preload(fixture.paths, fixture.preload_on(server)) == PreloadAvailability::remote);
    CHECK(fixture.requests_of_tarball("HEAD") == 1);
    CHECK(fixture.cached_files().empty());
  }
  SECTION("404 or 410: absent, and not asked again") {
    auto status = GENERATE("404", "410");
    HttpTestServer server(fixture.served.path(),
                          {"--status", std::string(".lz4=") + status, "--access-log", fixture.log.string()});
    CHECK(find_preload(fixture.paths, fixture.preload_on(server)) == PreloadAvailability::absent);
    CHECK(fixture.cached_files().size() == 1); // the marker
    CHECK(find_preload(fixture.paths, fixture.preload_on(server)) == PreloadAvailability::absent);
    CHECK(fixture.requests_of_tarball("HEAD") == 1);
  }
  SECTION("a server error (500, 503): absent for this run only") {
    auto status = GENERATE("500", "503");
    {
      HttpTestServer failing(fixture.served.path(), {"--status", std::string(".lz4=") + status,
                                                     "--access-log", fixture.log.string()});
      CHECK(find_preload(fixture.paths, fixture.preload_on(failing)) == PreloadAvailability::absent);
      CHECK(fixture.requests_of_tarball("HEAD") == 1);
      CHECK(fixture.cached_files().empty());
      CHECK(find_preload(fixture.paths, fixture.preload_on(failing)) == PreloadAvailability::absent);
      CHECK(fixture.requests_of_tarball("HEAD") == 2);
    }
    HttpTestServer recovered(fixture.served.path(), {});
    CHECK(find_preload(fixture.paths, fixture.preload_on(recovered)) == PreloadAvailability::remote);
  }
  SECTION("no answer: absent for this run only") {
    mk::mirror::RemoteFile preload;
    {
      HttpTestServer stopped(fixture.served.path(), {});
      preload = fixture.preload_on(stopped);
    }
    CHECK(find_preload(fixture.paths, preload) == PreloadAvailability::absent);
    CHECK(fixture.cached_files().empty());
  }
}
