// SPDX-License-Identifier: Apache-2.0
#include "mk/core/strings.hpp"
#include "mk/net/download.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <catch2/catch.hpp>
#include <thread>

using mk::ErrorCode;
using mk::net::download_file;
using mk::net::DownloadOptions;
using mk::net::DownloadProgress;
using mk::net::parse_sha256_file;
using mk::net::sha256_of_file;
using mk::test::HttpTestServer;
using mk::test::TempDir;

namespace fs = std::filesystem;

namespace {

// A served directory with `file` holding `size` bytes, and a separate directory to download into.
struct Fixture {
  TempDir served;
  TempDir target;
  std::string content;
  std::string sha256;
  fs::path log = served / "access.log";

  explicit Fixture(size_t size = 200 * 1024) : content(mk::test::sample_content(size)) {
    mk::test::write_bytes(served / "file", content);
    sha256 = sha256_of_file(served / "file").value();
  }
  fs::path destination() const { return target / "cache" / "file"; }
  fs::path partial() const { return target / "cache" / "file.download"; }
  // Access log lines of GET requests for /file (or the redirect path).
  std::vector<std::string> gets(const std::string& path = "/file") const {
    std::vector<std::string> lines;
    for (const auto& line : mk::test::read_lines(log))
      if (line.starts_with("GET " + path + " ")) lines.push_back(line);
    return lines;
  }
};

uint64_t field_as_number(const std::string& line, size_t index) {
  return std::stoull(mk::core::words(line).at(index));
}

} // namespace

TEST_CASE("download_file fetches a file and checks its sha256", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {"--access-log", fixture.log.string()});
  std::vector<DownloadProgress> reports;
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  options.progress = [&](const DownloadProgress& progress) { reports.push_back(progress); };

  auto status = download_file(server.url("/file"), fixture.destination(), options);
  REQUIRE(status);
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  CHECK_FALSE(fs::exists(fixture.partial()));
  REQUIRE_FALSE(reports.empty());
  CHECK(reports.back().received == fixture.content.size());
  CHECK(reports.back().total == fixture.content.size());

  SECTION("a second call finds the file and does not fetch it again") {
    REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
    CHECK(fixture.gets().size() == 1);
  }
  SECTION("a destination with other content is replaced") {
    mk::test::write_bytes(fixture.destination(), "stale");
    REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
    CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
    CHECK(fixture.gets().size() == 2);
  }
}

TEST_CASE("download_file rejects an expected hash that is not a sha256", "[http]") {
  Fixture fixture;
  DownloadOptions options;
  options.expected_sha256 = "abc";
  auto status = download_file("http://127.0.0.1:1/file", fixture.destination(), options);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::usage);
}

TEST_CASE("download_file follows redirects", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(),
                        {"--redirect-prefix", "/r/", "--access-log", fixture.log.string()});
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  REQUIRE(download_file(server.url("/r/file"), fixture.destination(), options));
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  auto redirects = fixture.gets("/r/file");
  REQUIRE(redirects.size() == 1);
  CHECK(mk::core::words(redirects[0]).at(3) == "302");
  CHECK(fixture.gets().size() == 1);
}

TEST_CASE("download_file fails with a network error on an HTTP error status", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {});
  auto url = server.url("/missing");
  auto status = download_file(url, fixture.destination(), {});
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::network);
  CHECK_THAT(status.error().message, Catch::Contains(url) && Catch::Contains("404"));
  CHECK_FALSE(fs::exists(fixture.destination()));
  CHECK_FALSE(fs::exists(fixture.partial()));
}

TEST_CASE("download_file fails with a network error when the server cannot be reached", "[http]") {
  Fixture fixture;
  std::string url;
  {
    HttpTestServer stopped(fixture.served.path(), {});
    url = stopped.url("/file");
  }
  DownloadOptions options;
  options.attempts = 2;
  auto status = download_file(url, fixture.destination(), options);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::network);
  CHECK_THAT(status.error().message, Catch::Contains(url) && Catch::Contains("2 attempts"));
}

TEST_CASE("download_file rejects content that does not match the checksum", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {"--corrupt"});
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  auto url = server.url("/file");
  auto status = download_file(url, fixture.destination(), options);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::checksum);
  CHECK_THAT(status.error().message, Catch::Contains(url) && Catch::Contains(fixture.sha256));
  auto corrupted = fixture.content;
  corrupted[corrupted.size() / 2] = static_cast<char>(corrupted[corrupted.size() / 2] ^ 0xFF);
  mk::test::write_bytes(fixture.target / "corrupted", corrupted);
  CHECK_THAT(status.error().message, Catch::Contains(sha256_of_file(fixture.target / "corrupted").value()));
  CHECK_FALSE(fs::exists(fixture.destination()));
  CHECK_FALSE(fs::exists(fixture.partial()));
}

TEST_CASE("download_file resumes a broken transfer with a Range request", "[http]") {
  Fixture fixture(1024 * 1024);
  constexpr uint64_t k_half = 512 * 1024;
  HttpTestServer server(fixture.served.path(),
                        {"--drop-after", std::to_string(k_half), "--access-log", fixture.log.string()});
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);

  auto gets = fixture.gets();
  REQUIRE(gets.size() == 2);
  CHECK(gets[0] == "GET /file - 200 " + std::to_string(k_half));
  CHECK(gets[1] == "GET /file bytes=" + std::to_string(k_half) + "- 206 " +
                       std::to_string(fixture.content.size() - k_half));
  uint64_t sent = field_as_number(gets[0], 4) + field_as_number(gets[1], 4);
  CHECK(sent < fixture.content.size() * 3 / 2);
}

TEST_CASE("download_file continues a .download file left by an earlier call", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {"--access-log", fixture.log.string()});
  fs::create_directories(fixture.partial().parent_path());
  mk::test::write_bytes(fixture.partial(), fixture.content.substr(0, 1000));
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  auto gets = fixture.gets();
  REQUIRE(gets.size() == 1);
  CHECK_THAT(gets[0], Catch::StartsWith("GET /file bytes=1000- 206"));

  SECTION("a stale part that fails the checksum is fetched again from the start") {
    auto other = fixture.target / "cache" / "other";
    mk::test::write_bytes(other.string() + ".download", std::string(1000, 'x'));
    REQUIRE(download_file(server.url("/file"), other, options));
    CHECK(mk::test::read_bytes(other) == fixture.content);
    auto all = fixture.gets();
    REQUIRE(all.size() == 3);
    CHECK_THAT(all[1], Catch::StartsWith("GET /file bytes=1000- 206"));
    CHECK_THAT(all[2], Catch::StartsWith("GET /file - 200"));
  }
}

TEST_CASE("download_file starts over when the server does not resume", "[http]") {
  Fixture fixture;
  HttpTestServer server(fixture.served.path(), {"--ignore-range", "--access-log", fixture.log.string()});
  fs::create_directories(fixture.partial().parent_path());
  mk::test::write_bytes(fixture.partial(), fixture.content.substr(0, 1000));
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  auto gets = fixture.gets();
  REQUIRE(gets.size() == 1);
  CHECK_THAT(gets[0], Catch::StartsWith("GET /file bytes=1000- 200"));
}

TEST_CASE("download_file verifies the server against the given CA", "[http]") {
  Fixture fixture;
  mk::test::make_certificates(fixture.served.path());
  mk::test::make_certificates(fixture.served.path(), "other-");
  HttpTestServer server(fixture.served.path(),
                        {"--tls-cert", (fixture.served / "server.crt").string(), "--tls-key",
                         (fixture.served / "server.key").string()},
                        true);
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;

  SECTION("signed by the CA") {
    options.tls.ca_file = (fixture.served / "ca.crt").string();
    REQUIRE(download_file(server.url("/file"), fixture.destination(), options));
    CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  }
  SECTION("signed by another CA") {
    options.tls.ca_file = (fixture.served / "other-ca.crt").string();
    options.attempts = 1;
    auto status = download_file(server.url("/file"), fixture.destination(), options);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::network);
    CHECK_THAT(status.error().message, Catch::Contains("certificate verification"));
    CHECK_FALSE(fs::exists(fixture.destination()));
  }
}

TEST_CASE("download_file fetches a file once when called concurrently", "[http]") {
  Fixture fixture(4 * 1024 * 1024);
  HttpTestServer server(fixture.served.path(), {"--access-log", fixture.log.string()});
  DownloadOptions options;
  options.expected_sha256 = fixture.sha256;
  mk::Status results[2];
  {
    std::jthread first(
        [&] { results[0] = download_file(server.url("/file"), fixture.destination(), options); });
    std::jthread second(
        [&] { results[1] = download_file(server.url("/file"), fixture.destination(), options); });
  }
  CHECK(results[0]);
  CHECK(results[1]);
  CHECK(mk::test::read_bytes(fixture.destination()) == fixture.content);
  CHECK(fixture.gets().size() == 1);
}

TEST_CASE("parse_sha256_file finds the first hash", "[http]") {
  std::string hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  std::string upper = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  CHECK(parse_sha256_file(hash).value() == hash);
  CHECK(parse_sha256_file(hash + "\n").value() == hash);
  CHECK(parse_sha256_file(hash + "  kubeadm\n").value() == hash);
  CHECK(parse_sha256_file(upper + " *kubelet").value() == hash);
  CHECK(parse_sha256_file("SHA256 (kubectl) = " + hash).value() == hash);
  for (const std::string& bad :
       std::vector<std::string>{"", "not a hash", hash.substr(1), hash + "0", "g" + hash.substr(1)}) {
    auto result = parse_sha256_file(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::checksum);
  }
}

TEST_CASE("sha256_of_file hashes a file's content", "[http]") {
  TempDir dir;
  mk::test::write_bytes(dir / "abc", "abc");
  mk::test::write_bytes(dir / "empty", "");
  CHECK(sha256_of_file(dir / "abc").value() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_of_file(dir / "empty").value() ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto missing = sha256_of_file(dir / "missing");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
}
