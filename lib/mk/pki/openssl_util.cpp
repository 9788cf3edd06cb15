// SPDX-License-Identifier: Apache-2.0
#include "mk/pki/openssl_util.hpp"

#include "mk/core/fs.hpp"

#include <arpa/inet.h>
#include <climits>
#include <ctime>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace mk::pki::detail {

namespace fs = std::filesystem;

std::string openssl_error() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown error" : text;
}

Error crypto_error(std::string_view what) {
  return Error{ErrorCode::failure, fmt::format("{}: {}", what, openssl_error()), {}, std::nullopt, {}};
}

// A read-only memory BIO over the contents of `path`; the string must outlive the BIO.
static Result<BioPtr> memory_bio(const std::string& content, const fs::path& path) {
  if (content.size() > static_cast<size_t>(INT_MAX))
    return fail(ErrorCode::failure, fmt::format("{} is too large", path.string()));
  BioPtr bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) return fail(crypto_error("cannot allocate a memory buffer"));
  return bio;
}

// A password callback that supplies no password, so that OpenSSL never prompts on the terminal.
static int no_password(char*, int, int, void*) {
  return 0;
}

Result<X509Ptr> load_certificate(const fs::path& path) {
  auto content = MK_TRY(core::read_file(path));
  auto bio = MK_TRY(memory_bio(content, path));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
  if (!cert) return fail(crypto_error(fmt::format("cannot parse certificate {}", path.string())));
  return cert;
}

Result<KeyPtr> load_private_key(const fs::path& path) {
  auto content = MK_TRY(core::read_file(path));
  auto bio = MK_TRY(memory_bio(content, path));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  OPENSSL_cleanse(content.data(), content.size());
  if (!key) return fail(crypto_error(fmt::format("cannot parse private key {}", path.string())));
  return key;
}

// The bytes written to the memory BIO `bio`.
static std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(length));
}

Result<std::string> certificate_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    return fail(crypto_error("cannot encode certificate"));
  return bio_contents(bio.get());
}

Result<std::string> private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail(crypto_error("cannot encode private key"));
  auto pem = bio_contents(bio.get());
  // Wipe the BIO's copy of the key before it is freed.
  char* data = nullptr;
  long length = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  if (length > 0 && data != nullptr) OPENSSL_cleanse(data, static_cast<size_t>(length));
  return pem;
}

bool key_matches(X509* cert, EVP_PKEY* key) {
  bool matches = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();
  return matches;
}

bool signed_by(X509* cert, X509* ca) {
  bool ok = X509_check_issued(ca, cert) == X509_V_OK;
  EVP_PKEY* ca_key = ok ? X509_get0_pubkey(ca) : nullptr;
  ok = ok && ca_key != nullptr && X509_verify(cert, ca_key) == 1;
  ERR_clear_error();
  return ok;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return {};
  return std::chrono::system_clock::from_time_t(::timegm(&parts));
}

std::string ip_text(const unsigned char* bytes, int length) {
  char buffer[INET6_ADDRSTRLEN] = {};
  int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
  if (family == 0 || ::inet_ntop(family, bytes, buffer, sizeof buffer) == nullptr) return {};
  return buffer;
}

static std::string utf8(const ASN1_STRING* value) {
  unsigned char* out = nullptr;
  int length = ASN1_STRING_to_UTF8(&out, value);
  if (length < 0) {
    ERR_clear_error();
    return {};
  }
  std::string text(reinterpret_cast<const char*>(out), static_cast<size_t>(length));
  OPENSSL_free(out);
  return text;
}

// Every value of attribute `nid` in `name`, in order.
static std::vector<std::string> name_values(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int index = X509_NAME_get_index_by_NID(name, nid, -1); index >= 0;
       index = X509_NAME_get_index_by_NID(name, nid, index))
    values.push_back(utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index))));
  return values;
}

static std::string first_value(const X509_NAME* name, int nid) {
  auto values = name_values(name, nid);
  return values.empty() ? std::string() : values.front();
}

static void read_subject_alt_names(X509* cert, CertificateInfo& info) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) {
    ERR_clear_error();
    return;
  }
  for (int index = 0; index < sk_GENERAL_NAME_num(names); ++index) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, index);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                  static_cast<size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      auto text = ip_text(ASN1_STRING_get0_data(name->d.iPAddress), ASN1_STRING_length(name->d.iPAddress));
      if (!text.empty()) info.ip_addresses.push_back(std::move(text));
    }
  }
  GENERAL_NAMES_free(names);
}

CertificateInfo describe(X509* cert) {
  CertificateInfo info;
  info.common_name = first_value(X509_get_subject_name(cert), NID_commonName);
  info.organizations = name_values(X509_get_subject_name(cert), NID_organizationName);
  info.issuer_common_name = first_value(X509_get_issuer_name(cert), NID_commonName);
  read_subject_alt_names(cert, info);
  info.not_before = to_time_point(X509_get0_notBefore(cert));
  info.not_after = to_time_point(X509_get0_notAfter(cert));
  uint32_t flags = X509_get_extension_flags(cert);
  info.is_ca = (flags & EXFLAG_CA) != 0;
  if ((flags & EXFLAG_XKUSAGE) != 0) {
    uint32_t usages = X509_get_extended_key_usage(cert);
    info.server_auth = (usages & XKU_SSL_SERVER) != 0;
    info.client_auth = (usages & XKU_SSL_CLIENT) != 0;
  }
  ERR_clear_error();
  return info;
}

} // namespace mk::pki::detail
