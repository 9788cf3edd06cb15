// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mk::pki {

// What a leaf certificate must contain.
struct LeafSpec {
  std::string common_name;
  std::vector<std::string> organizations; // e.g. {"system:masters"}
  std::vector<std::string> dns_names;     // SAN DNS entries
  std::vector<std::string> ip_addresses;  // SAN IP entries (IPv4 text; IPv6 is accepted too)
  bool server_auth = true;
  bool client_auth = true;
  int validity_days = 365 * 3;
};

// What tests and callers can check about a certificate. IP addresses are in canonical text form. server_auth
// and client_auth are true only when an extendedKeyUsage extension lists them.
struct CertificateInfo {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::chrono::system_clock::time_point not_before, not_after;
  bool is_ca = false;
  bool server_auth = false;
  bool client_auth = false;
  std::string issuer_common_name;
};

// Makes sure a CA pair exists at `cert`/`key` (RSA 2048, 10 years, CN `common_name`, basicConstraints CA:TRUE
// critical, keyUsage keyCertSign+cRLSign+digitalSignature+keyEncipherment critical, subject key id).
// Regenerates when either file is missing, unreadable, the key does not match, it is not a CA, or it is
// expired or expires within 1 day. Returns true when it (re)generated. An existing valid CA with another CN
// is kept.
Result<bool> ensure_ca(const std::filesystem::path& cert, const std::filesystem::path& key,
                       std::string_view common_name);

// Makes sure `cert`/`key` is a leaf matching `spec`, signed by the CA at `ca_cert`/`ca_key` (authority key id
// set, keyUsage digitalSignature+keyEncipherment critical, EKU per spec, SAN as given, random 128-bit serial,
// NotBefore = now - 1h). Regenerates (new key and certificate) when missing, unreadable, the key does not
// match, expired or expiring within 1 day, not verifying against the CA, or when its CN, organizations, SAN
// set or EKU differ from `spec` (order-insensitive). Returns true when it (re)generated. Fails with `usage`
// for an invalid spec and with the load error when the CA cannot be read. Concurrent calls for different
// leaves are safe; calls for the same leaf must be serialised by the caller.
Result<bool> ensure_leaf(const std::filesystem::path& cert, const std::filesystem::path& key,
                         const std::filesystem::path& ca_cert, const std::filesystem::path& ca_key,
                         const LeafSpec& spec);

// The contents of the PEM certificate at `cert`; not_found when missing, failure when it does not parse.
Result<CertificateInfo> read_certificate(const std::filesystem::path& cert);

// Whether `cert` is signed by `ca_cert` (issuer name, key id and signature) and is currently valid. Fails
// only when either file cannot be read or parsed.
Result<bool> verify_signed_by(const std::filesystem::path& cert, const std::filesystem::path& ca_cert);

} // namespace mk::pki
