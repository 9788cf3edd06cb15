// SPDX-License-Identifier: Apache-2.0
#include "mk/pki/issue.hpp"

#include "mk/core/fs.hpp"
#include "mk/pki/openssl_util.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace mk::pki {

namespace fs = std::filesystem;
using namespace detail;

namespace {

using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using OctetsPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr size_t k_rsa_bits = 2048;
constexpr int k_serial_bits = 128;

Result<KeyPtr> generate_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", k_rsa_bits));
  if (!key) return fail(crypto_error("cannot generate an RSA key"));
  return key;
}

// A new X509 v3 certificate for `key` with a random positive 128-bit serial and the given validity.
Result<X509Ptr> new_certificate(EVP_PKEY* key, TimePoint not_before, TimePoint not_after) {
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), 2) != 1)
    return fail(crypto_error("cannot create certificate"));
  do {
    if (BN_rand(serial.get(), k_serial_bits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
      return fail(crypto_error("cannot generate a serial number"));
  } while (BN_is_zero(serial.get()));
  if (BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), std::chrono::system_clock::to_time_t(not_before)) ==
          nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), std::chrono::system_clock::to_time_t(not_after)) ==
          nullptr ||
      X509_set_pubkey(cert.get(), key) != 1)
    return fail(crypto_error("cannot fill in certificate"));
  return cert;
}

Status add_name_entry(X509_NAME* name, int nid, const std::string& value) {
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1)
    return fail(crypto_error(fmt::format("cannot set subject field {}", value)));
  return {};
}

// Adds extension `nid` given in openssl.cnf syntax (`value`), with `issuer` as the issuing certificate.
Status add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1)
    return fail(crypto_error(fmt::format("cannot add certificate extension {}", value)));
  return {};
}

Status add_subject_alt_names(X509* cert, const LeafSpec& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return {};
  NamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return fail(crypto_error("cannot allocate subject alternative names"));
  auto push = [&](int type, ASN1_STRING* value) -> Status {
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) {
      ASN1_STRING_free(value);
      return fail(crypto_error("cannot allocate a subject alternative name"));
    }
    GENERAL_NAME_set0_value(name.get(), type, value);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
      return fail(crypto_error("cannot add a subject alternative name"));
    name.release();
    return {};
  };
  for (const auto& dns : spec.dns_names) {
    ASN1_IA5STRING* value = ASN1_IA5STRING_new();
    if (value == nullptr || ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_STRING_free(value);
      return fail(crypto_error(fmt::format("cannot encode DNS name {}", dns)));
    }
    MK_TRY(push(GEN_DNS, value));
  }
  for (const auto& ip : spec.ip_addresses) {
    OctetsPtr value(a2i_IPADDRESS(ip.c_str()));
    if (!value) return fail(ErrorCode::usage, fmt::format("invalid IP address for a certificate: {}", ip));
    MK_TRY(push(GEN_IPADD, value.release()));
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return fail(crypto_error("cannot add subject alternative names"));
  return {};
}

Status sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return fail(crypto_error("cannot sign certificate"));
  return {};
}

// Writes the key (0600) and then the certificate (0644).
Status write_pair(const fs::path& cert_path, const fs::path& key_path, X509* cert, EVP_PKEY* key) {
  auto key_pem = MK_TRY(private_key_pem(key));
  auto cert_pem = MK_TRY(certificate_pem(cert));
  auto written = core::write_file_atomic(key_path, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  if (!written) return written;
  return core::write_file_atomic(cert_path, cert_pem, 0644);
}

Status validate(const LeafSpec& spec) {
  if (spec.common_name.empty()) return fail(ErrorCode::usage, "a certificate needs a common name");
  for (const auto& dns : spec.dns_names)
    if (dns.empty())
      return fail(ErrorCode::usage, fmt::format("empty DNS name in certificate {}", spec.common_name));
  for (const auto& ip : spec.ip_addresses)
    MK_TRY(canonical_ip(ip));
  return {};
}

} // namespace

Result<std::string> canonical_ip(std::string_view text) {
  OctetsPtr value(a2i_IPADDRESS(std::string(text).c_str()));
  std::string canonical =
      value ? ip_text(ASN1_STRING_get0_data(value.get()), ASN1_STRING_length(value.get())) : "";
  ERR_clear_error();
  if (canonical.empty())
    return fail(ErrorCode::usage, fmt::format("invalid IP address for a certificate: {}", text));
  return canonical;
}

Status issue_ca(const fs::path& cert_path, const fs::path& key_path, std::string_view common_name,
                TimePoint not_before, TimePoint not_after) {
  if (common_name.empty()) return fail(ErrorCode::usage, "a CA certificate needs a common name");
  auto key = MK_TRY(generate_key());
  auto cert = MK_TRY(new_certificate(key.get(), not_before, not_after));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  MK_TRY(add_name_entry(subject, NID_commonName, std::string(common_name)));
  if (X509_set_issuer_name(cert.get(), subject) != 1) return fail(crypto_error("cannot set CA issuer"));
  MK_TRY(add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  MK_TRY(add_extension(cert.get(), cert.get(), NID_key_usage,
                       "critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign"));
  MK_TRY(add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  MK_TRY(sign(cert.get(), key.get()));
  return write_pair(cert_path, key_path, cert.get(), key.get());
}

Status issue_leaf(const fs::path& cert_path, const fs::path& key_path, const fs::path& ca_cert_path,
                  const fs::path& ca_key_path, const LeafSpec& spec, TimePoint not_before,
                  TimePoint not_after) {
  MK_TRY(validate(spec));
  auto ca = MK_TRY(load_certificate(ca_cert_path));
  auto ca_key = MK_TRY(load_private_key(ca_key_path));
  if (!key_matches(ca.get(), ca_key.get()))
    return fail(ErrorCode::failure, fmt::format("CA key {} does not match CA certificate {}",
                                                ca_key_path.string(), ca_cert_path.string()));
  auto key = MK_TRY(generate_key());
  auto cert = MK_TRY(new_certificate(key.get(), not_before, not_after));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  for (const auto& organization : spec.organizations)
    MK_TRY(add_name_entry(subject, NID_organizationName, organization));
  MK_TRY(add_name_entry(subject, NID_commonName, spec.common_name));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) != 1)
    return fail(crypto_error("cannot set certificate issuer"));
  MK_TRY(add_extension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE"));
  MK_TRY(add_extension(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  if (spec.server_auth || spec.client_auth) {
    std::string usages = spec.server_auth && spec.client_auth ? "serverAuth,clientAuth"
                         : spec.server_auth                   ? "serverAuth"
                                                              : "clientAuth";
    MK_TRY(add_extension(cert.get(), ca.get(), NID_ext_key_usage, usages.c_str()));
  }
  MK_TRY(add_extension(cert.get(), ca.get(), NID_subject_key_identifier, "hash"));
  MK_TRY(add_extension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid,issuer"));
  MK_TRY(add_subject_alt_names(cert.get(), spec));
  MK_TRY(sign(cert.get(), ca_key.get()));
  return write_pair(cert_path, key_path, cert.get(), key.get());
}

} // namespace mk::pki
