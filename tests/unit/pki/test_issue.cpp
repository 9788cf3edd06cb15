// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"
#include "mk/pki/issue.hpp"
#include "mk/pki/pki.hpp"
#include "tests/unit/pki/pki_helpers.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace mk;
using namespace mk::pki::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("ensure_ca regenerates an expired or soon-expiring CA", "[pki]") {
  TempDir dir;
  auto cert = dir / "ca.crt";
  auto key = dir / "ca.key";
  auto now = std::chrono::system_clock::now();

  SECTION("expired") {
    REQUIRE(pki::issue_ca(cert, key, "minikubeCA", now - 48h, now - 1h));
  }
  SECTION("expiring within a day") {
    REQUIRE(pki::issue_ca(cert, key, "minikubeCA", now - 48h, now + 12h));
  }
  auto before = bytes(cert);
  auto regenerated = pki::ensure_ca(cert, key, "minikubeCA");
  REQUIRE(regenerated);
  CHECK(*regenerated);
  CHECK(bytes(cert) != before);
  auto info = pki::read_certificate(cert).value();
  CHECK(info.is_ca);
  CHECK(info.not_after > now + 24h * 3600);
}

TEST_CASE("a CA that is still good for two days is kept", "[pki]") {
  TempDir dir;
  auto now = std::chrono::system_clock::now();
  REQUIRE(pki::issue_ca(dir / "ca.crt", dir / "ca.key", "minikubeCA", now - 1h, now + 48h));
  CHECK_FALSE(pki::ensure_ca(dir / "ca.crt", dir / "ca.key", "minikubeCA").value());
}

TEST_CASE("ensure_leaf regenerates an expired, soon-expiring or not yet valid leaf", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto spec = apiserver_spec();
  auto cert = dir / "leaf.crt";
  auto key = dir / "leaf.key";
  auto now = std::chrono::system_clock::now();

  SECTION("expired") {
    REQUIRE(pki::issue_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec, now - 72h, now - 24h));
    CHECK_FALSE(pki::verify_signed_by(cert, dir / "ca.crt").value());
    CHECK(shell("openssl verify -CAfile " + quote(dir / "ca.crt") + " " + quote(cert)).status != 0);
  }
  SECTION("expiring within a day") {
    REQUIRE(pki::issue_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec, now - 72h, now + 12h));
    CHECK(pki::verify_signed_by(cert, dir / "ca.crt").value());
  }
  SECTION("not yet valid") {
    REQUIRE(pki::issue_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec, now + 24h, now + 72h));
    CHECK_FALSE(pki::verify_signed_by(cert, dir / "ca.crt").value());
  }
  auto before = bytes(cert);
  auto regenerated = pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec);
  REQUIRE(regenerated);
  CHECK(*regenerated);
  CHECK(bytes(cert) != before);
  CHECK(pki::verify_signed_by(cert, dir / "ca.crt").value());
  auto info = pki::read_certificate(cert).value();
  CHECK(near(info.not_before, now - 1h));
  CHECK(near(info.not_after, now + 24h * 365 * 3));
  CHECK_FALSE(pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec).value());
}

TEST_CASE("a leaf still good for two days is kept", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto now = std::chrono::system_clock::now();
  REQUIRE(pki::issue_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key",
                          apiserver_spec(), now - 1h, now + 48h));
  CHECK_FALSE(
      pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", apiserver_spec())
          .value());
}

TEST_CASE("issue_leaf validates the spec before writing anything", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto now = std::chrono::system_clock::now();
  auto spec = apiserver_spec();
  spec.dns_names.push_back("");
  auto issued = pki::issue_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec, now,
                                now + 48h);
  REQUIRE_FALSE(issued);
  CHECK(issued.error().code == ErrorCode::usage);
  CHECK_FALSE(fs::exists(dir / "leaf.key"));
  CHECK_FALSE(fs::exists(dir / "leaf.crt"));
}

TEST_CASE("canonical_ip accepts IPv4 and IPv6 text only", "[pki]") {
  CHECK(pki::canonical_ip("10.96.0.1").value() == "10.96.0.1");
  CHECK(pki::canonical_ip("::1").value() == "::1");
  CHECK_FALSE(pki::canonical_ip("localhost"));
}
