// SPDX-License-Identifier: Apache-2.0
// What mk start's log (lastStart.txt) must never hold: bootstrap tokens, certificate keys, private keys.
#include "mk/core/log.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace mk;

TEST_CASE("redaction: bootstrap tokens in kubeadm's output", "[log]") {
  auto text =
      core::redact_secrets("[bootstrap-token] Using token: abcdef.0123456789abcdef\n"
                           "kubeadm join control-plane.mk.internal:8443 --token x1y2z3.q1w2e3r4t5y6u7i8 \\\n"
                           "    --discovery-token-ca-cert-hash sha256:" +
                           std::string(64, 'c'));
  CHECK(text.find("abcdef.0123456789abcdef") == std::string::npos);
  CHECK(text.find("x1y2z3.q1w2e3r4t5y6u7i8") == std::string::npos);
  CHECK(text.find("<redacted>") != std::string::npos);
  CHECK(text.find("sha256:" + std::string(64, 'c')) != std::string::npos); // a hash is no secret
}

TEST_CASE("redaction: private keys and kubeconfig key data", "[log]") {
  auto text = core::redact_secrets(
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretbytes+/=\n-----END RSA PRIVATE KEY-----\n"
      "    client-key-data: LS0tLS1CRUdJTiBSU0Egc2VjcmV0\n"
      "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n");
  CHECK(text.find("MIIEsecretbytes") == std::string::npos);
  CHECK(text.find("LS0tLS1CRUdJTiBSU0Egc2VjcmV0") == std::string::npos);
  CHECK(text.find("MIIcert") != std::string::npos); // certificates are public
  CHECK(text.find("-----BEGIN RSA PRIVATE KEY----- <redacted>") != std::string::npos);
}

TEST_CASE("redaction: certificate keys and bearer tokens", "[log]") {
  auto key = std::string(64, 'f');
  auto text = core::redact_secrets("--certificate-key " + key +
                                   "\ncertificateKey: x\ntoken: sekrit-token-value\n"
                                   "Authorization: Bearer abc.def.ghi-jkl\n");
  CHECK(text.find(key) == std::string::npos);
  CHECK(text.find("sekrit-token-value") == std::string::npos);
  CHECK(text.find("abc.def.ghi-jkl") == std::string::npos);
}

TEST_CASE("a recording log writes levels 1 and 2 to its file, redacted, whatever the verbosity", "[log]") {
  auto path = std::filesystem::temp_directory_path() / ("mk-test-log-" + std::to_string(::getpid()) + ".txt");
  {
    core::Log log(0);
    CHECK(!log.enabled(1));
    REQUIRE(log.record_to(path));
    CHECK(log.enabled(2));
    CHECK(!log.enabled(3));
    log.write(1, "$ kubeadm token create");
    log.write(2, "  out| abcdef.0123456789abcdef");
    log.write(3, "GET http://example.test/");
    log.record("mk failed: something");
  }
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  CHECK(content.find("$ kubeadm token create") != std::string::npos);
  CHECK(content.find("out| <redacted>") != std::string::npos);
  CHECK(content.find("GET http") == std::string::npos);
  CHECK(content.find("mk failed: something") != std::string::npos);
}
