// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"
#include "mk/pki/pki.hpp"
#include "tests/unit/pki/pki_helpers.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

using namespace mk;
using namespace mk::pki::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("ensure_ca creates a 10-year CA once and then keeps it", "[pki]") {
  TempDir dir;
  auto cert = dir.path / "sub" / "ca.crt"; // parent directory created on demand
  auto key = dir.path / "sub" / "ca.key";
  auto created = pki::ensure_ca(cert, key, "minikubeCA");
  REQUIRE(created);
  CHECK(*created);

  auto info = pki::read_certificate(cert).value();
  auto now = std::chrono::system_clock::now();
  CHECK(info.common_name == "minikubeCA");
  CHECK(info.issuer_common_name == "minikubeCA");
  CHECK(info.is_ca);
  CHECK(near(info.not_before, now - 1h));
  CHECK(near(info.not_after, now + 24h * 3650));
  CHECK(mode(key) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(mode(cert) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read));
  CHECK(bytes(key).starts_with("-----BEGIN RSA PRIVATE KEY-----"));
  CHECK(bytes(cert).starts_with("-----BEGIN CERTIFICATE-----"));

  auto text = shell("openssl x509 -noout -text -in " + quote(cert));
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains("Version: 3"));
  CHECK_THAT(text.out, Catch::Contains("sha256WithRSAEncryption"));
  CHECK_THAT(text.out, Catch::Contains("Public-Key: (2048 bit)"));
  CHECK_THAT(text.out, Catch::Contains("X509v3 Basic Constraints: critical"));
  CHECK_THAT(text.out, Catch::Contains("CA:TRUE"));
  CHECK_THAT(text.out, Catch::Contains("X509v3 Key Usage: critical"));
  CHECK_THAT(text.out, Catch::Contains("Digital Signature, Key Encipherment, Certificate Sign, CRL Sign"));
  CHECK_THAT(text.out, Catch::Contains("X509v3 Subject Key Identifier"));
  auto self = shell("openssl verify -CAfile " + quote(cert) + " " + quote(cert));
  CHECK(self.status == 0);
  CHECK_THAT(self.out, Catch::Contains(": OK"));

  auto cert_bytes = bytes(cert);
  auto key_bytes = bytes(key);
  auto again = pki::ensure_ca(cert, key, "minikubeCA");
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(bytes(cert) == cert_bytes);
  CHECK(bytes(key) == key_bytes);
}

TEST_CASE("ensure_ca regenerates a missing, corrupt, mismatched or non-CA pair", "[pki]") {
  TempDir dir;
  auto cert = dir / "ca.crt";
  auto key = dir / "ca.key";
  make_ca(dir);
  auto now = std::chrono::system_clock::now();

  SECTION("missing key") {
    fs::remove(key);
  }
  SECTION("missing certificate") {
    fs::remove(cert);
  }
  SECTION("corrupt certificate") {
    REQUIRE(core::write_file_atomic(cert, "-----BEGIN CERTIFICATE-----\ngarbage\n"));
  }
  SECTION("corrupt key") {
    REQUIRE(core::write_file_atomic(key, "not a key", 0600));
  }
  SECTION("key of another CA") {
    TempDir other;
    make_ca(other);
    fs::copy_file(other / "ca.key", key, fs::copy_options::overwrite_existing);
  }
  SECTION("not a CA") {
    TempDir other;
    make_ca(other);
    REQUIRE(pki::ensure_leaf(cert, key, other / "ca.crt", other / "ca.key", apiserver_spec()).value());
  }
  auto before = core::read_file(cert);
  auto regenerated = pki::ensure_ca(cert, key, "minikubeCA");
  REQUIRE(regenerated);
  CHECK(*regenerated);
  CHECK_FALSE((before.has_value() && *before == bytes(cert)));
  auto info = pki::read_certificate(cert).value();
  CHECK(info.is_ca);
  CHECK(info.not_after > now + 24h * 3600);
  CHECK_FALSE(pki::ensure_ca(cert, key, "minikubeCA").value());
}

TEST_CASE("ensure_leaf issues a leaf with the requested names, usages and validity", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto cert = dir.path / "profiles" / "mk" / "apiserver.crt";
  auto key = dir.path / "profiles" / "mk" / "apiserver.key";
  auto created = pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", apiserver_spec());
  REQUIRE(created);
  CHECK(*created);

  auto info = pki::read_certificate(cert).value();
  auto now = std::chrono::system_clock::now();
  CHECK(info.common_name == "minikube");
  CHECK(info.organizations == std::vector<std::string>{"system:masters"});
  CHECK(info.issuer_common_name == "minikubeCA");
  CHECK_FALSE(info.is_ca);
  CHECK(info.server_auth);
  CHECK(info.client_auth);
  CHECK(info.dns_names == apiserver_spec().dns_names);
  CHECK(info.ip_addresses == apiserver_spec().ip_addresses);
  CHECK(near(info.not_before, now - 1h));
  CHECK(near(info.not_after, now + 24h * 365 * 3));
  CHECK(mode(key) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(bytes(key).starts_with("-----BEGIN RSA PRIVATE KEY-----"));
  CHECK(pki::verify_signed_by(cert, dir / "ca.crt").value());

  auto verified = shell("openssl verify -CAfile " + quote(dir / "ca.crt") + " " + quote(cert));
  CHECK(verified.status == 0);
  CHECK_THAT(verified.out, Catch::Contains(": OK"));
  auto san = shell("openssl x509 -noout -ext subjectAltName -in " + quote(cert));
  REQUIRE(san.status == 0);
  for (const auto* entry :
       {"DNS:control-plane.minikube.internal", "DNS:kubernetes.default.svc.cluster.local", "DNS:localhost",
        "IP Address:192.168.49.2", "IP Address:10.96.0.1", "IP Address:127.0.0.1", "IP Address:10.0.0.1"})
    CHECK_THAT(san.out, Catch::Contains(entry));
  auto text = shell("openssl x509 -noout -text -in " + quote(cert));
  CHECK_THAT(text.out, Catch::Contains("Version: 3"));
  CHECK_THAT(text.out, Catch::Contains("sha256WithRSAEncryption"));
  CHECK_THAT(text.out, Catch::Contains("Subject: O = system:masters, CN = minikube"));
  CHECK_THAT(text.out, Catch::Contains("X509v3 Key Usage: critical"));
  CHECK_THAT(text.out, Catch::Contains("Digital Signature, Key Encipherment"));
  CHECK_THAT(text.out, Catch::Contains("TLS Web Server Authentication, TLS Web Client Authentication"));
  CHECK_THAT(text.out, Catch::Contains("X509v3 Authority Key Identifier"));
  auto serial = shell("openssl x509 -noout -serial -in " + quote(cert));
  CHECK(serial.out.size() > std::string("serial=").size() + 20); // a 128-bit random serial, not 1 or 2

  auto cert_bytes = bytes(cert);
  auto key_bytes = bytes(key);
  auto reordered = apiserver_spec();
  std::reverse(reordered.dns_names.begin(), reordered.dns_names.end());
  std::reverse(reordered.ip_addresses.begin(), reordered.ip_addresses.end());
  auto again = pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", reordered);
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(bytes(cert) == cert_bytes);
  CHECK(bytes(key) == key_bytes);
}

TEST_CASE("a client-only leaf without SANs has only clientAuth", "[pki]") {
  TempDir dir;
  make_ca(dir);
  pki::LeafSpec spec;
  spec.common_name = "minikube-user";
  spec.organizations = {"system:masters"};
  spec.server_auth = false;
  REQUIRE(
      pki::ensure_leaf(dir / "client.crt", dir / "client.key", dir / "ca.crt", dir / "ca.key", spec).value());
  auto info = pki::read_certificate(dir / "client.crt").value();
  CHECK(info.client_auth);
  CHECK_FALSE(info.server_auth);
  CHECK(info.dns_names.empty());
  CHECK(info.ip_addresses.empty());
  auto eku = shell("openssl x509 -noout -ext extendedKeyUsage -in " + quote(dir / "client.crt"));
  CHECK_THAT(eku.out, Catch::Contains("TLS Web Client Authentication"));
  CHECK_THAT(eku.out, !Catch::Contains("Server"));
  CHECK_FALSE(
      pki::ensure_leaf(dir / "client.crt", dir / "client.key", dir / "ca.crt", dir / "ca.key", spec).value());
  spec.server_auth = true;
  CHECK(
      pki::ensure_leaf(dir / "client.crt", dir / "client.key", dir / "ca.crt", dir / "ca.key", spec).value());
  CHECK(pki::read_certificate(dir / "client.crt").value().server_auth);
}

TEST_CASE("ensure_leaf regenerates when the spec changes", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto spec = apiserver_spec();
  REQUIRE(pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec).value());
  auto old_key = bytes(dir / "leaf.key");

  SECTION("an IP is added") {
    spec.ip_addresses.push_back("192.168.49.3");
  }
  SECTION("an IP is removed") {
    spec.ip_addresses.pop_back();
  }
  SECTION("a DNS name changes") {
    spec.dns_names[0] = "mk";
  }
  SECTION("the CN changes") {
    spec.common_name = "mk";
  }
  SECTION("the organizations change") {
    spec.organizations.push_back("system:nodes");
  }
  auto regenerated =
      pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec);
  REQUIRE(regenerated);
  CHECK(*regenerated);
  CHECK(bytes(dir / "leaf.key") != old_key);
  auto info = pki::read_certificate(dir / "leaf.crt").value();
  CHECK(info.common_name == spec.common_name);
  CHECK(info.organizations == spec.organizations);
  CHECK(info.dns_names == spec.dns_names);
  CHECK(info.ip_addresses == spec.ip_addresses);
  CHECK_FALSE(
      pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec).value());
}

TEST_CASE("ensure_leaf regenerates when the CA changes", "[pki]") {
  TempDir dir;
  TempDir other;
  make_ca(dir);
  make_ca(other); // same CN, different key
  auto spec = apiserver_spec();
  REQUIRE(pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec).value());
  CHECK_FALSE(pki::verify_signed_by(dir / "leaf.crt", other / "ca.crt").value());

  REQUIRE(
      pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", other / "ca.crt", other / "ca.key", spec).value());
  CHECK(pki::verify_signed_by(dir / "leaf.crt", other / "ca.crt").value());
  CHECK_FALSE(pki::verify_signed_by(dir / "leaf.crt", dir / "ca.crt").value());
  auto rejected = shell("openssl verify -CAfile " + quote(dir / "ca.crt") + " " + quote(dir / "leaf.crt"));
  CHECK(rejected.status != 0);
  auto verified = shell("openssl verify -CAfile " + quote(other / "ca.crt") + " " + quote(dir / "leaf.crt"));
  CHECK_THAT(verified.out, Catch::Contains(": OK"));

  // The CA itself is regenerated in place: the leaf follows.
  fs::remove(other / "ca.key");
  REQUIRE(pki::ensure_ca(other / "ca.crt", other / "ca.key", "minikubeCA").value());
  CHECK(
      pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", other / "ca.crt", other / "ca.key", spec).value());
  CHECK(pki::verify_signed_by(dir / "leaf.crt", other / "ca.crt").value());
}

TEST_CASE("ensure_leaf regenerates corrupt or mismatched leaves", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto spec = apiserver_spec();
  auto cert = dir / "leaf.crt";
  auto key = dir / "leaf.key";
  REQUIRE(pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec).value());
  auto now = std::chrono::system_clock::now();

  SECTION("corrupt certificate") {
    REQUIRE(core::write_file_atomic(cert, "garbage"));
    CHECK_FALSE(pki::read_certificate(cert));
  }
  SECTION("truncated certificate") {
    REQUIRE(core::write_file_atomic(cert, bytes(cert).substr(0, 300)));
  }
  SECTION("corrupt key") {
    REQUIRE(core::write_file_atomic(key, "garbage", 0600));
  }
  SECTION("missing key") {
    fs::remove(key);
  }
  SECTION("key of another leaf") {
    REQUIRE(
        pki::ensure_leaf(dir / "other.crt", dir / "other.key", dir / "ca.crt", dir / "ca.key", spec).value());
    fs::copy_file(dir / "other.key", key, fs::copy_options::overwrite_existing);
  }
  auto regenerated = pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec);
  REQUIRE(regenerated);
  CHECK(*regenerated);
  CHECK(pki::verify_signed_by(cert, dir / "ca.crt").value());
  CHECK(pki::read_certificate(cert).value().not_after > now + 24h * 1000);
  CHECK_FALSE(pki::ensure_leaf(cert, key, dir / "ca.crt", dir / "ca.key", spec).value());
}

TEST_CASE("two leaves can be generated concurrently", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto spec = apiserver_spec();
  Result<bool> first = false, second = false;
  std::thread a(
      [&] { first = pki::ensure_leaf(dir / "a.crt", dir / "a.key", dir / "ca.crt", dir / "ca.key", spec); });
  std::thread b(
      [&] { second = pki::ensure_leaf(dir / "b.crt", dir / "b.key", dir / "ca.crt", dir / "ca.key", spec); });
  a.join();
  b.join();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first);
  CHECK(*second);
  CHECK(pki::verify_signed_by(dir / "a.crt", dir / "ca.crt").value());
  CHECK(pki::verify_signed_by(dir / "b.crt", dir / "ca.crt").value());
  CHECK(bytes(dir / "a.key") != bytes(dir / "b.key"));
}

TEST_CASE("invalid requests and missing files are errors", "[pki]") {
  TempDir dir;
  make_ca(dir);
  auto spec = apiserver_spec();
  spec.ip_addresses.push_back("10.96.0.300");
  auto bad_ip = pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec);
  REQUIRE_FALSE(bad_ip);
  CHECK(bad_ip.error().code == ErrorCode::usage);
  CHECK_THAT(bad_ip.error().message, Catch::Contains("10.96.0.300"));
  CHECK_FALSE(fs::exists(dir / "leaf.key"));
  CHECK_FALSE(fs::exists(dir / "leaf.crt"));

  spec = apiserver_spec();
  spec.common_name.clear();
  CHECK(pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "ca.crt", dir / "ca.key", spec)
            .error()
            .code == ErrorCode::usage);

  auto no_ca = pki::ensure_leaf(dir / "leaf.crt", dir / "leaf.key", dir / "none.crt", dir / "none.key",
                                apiserver_spec());
  REQUIRE_FALSE(no_ca);
  CHECK(no_ca.error().code == ErrorCode::not_found);
  CHECK_FALSE(fs::exists(dir / "leaf.crt"));

  auto missing = pki::read_certificate(dir / "none.crt");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_FALSE(pki::verify_signed_by(dir / "none.crt", dir / "ca.crt"));
}
