// SPDX-License-Identifier: Apache-2.0
// Internal to lib/mk/pki (includes OpenSSL): ownership types and PEM/X.509 helpers. Not for use outside this
// folder.
#pragma once

#include "mk/core/error.hpp"
#include "mk/pki/pki.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string>

namespace mk::pki::detail {

template <auto Free> struct Deleter {
  template <class T> void operator()(T* pointer) const { Free(pointer); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

// This thread's OpenSSL error queue as one line ("unknown error" when empty); empties the queue.
std::string openssl_error();
// An Error "`what`: <OpenSSL error>".
Error crypto_error(std::string_view what);

// The PEM certificate / private key at `path`. not_found when missing; failure when unreadable or not
// parseable. Encrypted keys are rejected (never prompts).
Result<X509Ptr> load_certificate(const std::filesystem::path& path);
Result<KeyPtr> load_private_key(const std::filesystem::path& path);

// PEM text of `cert`, and of `key` as traditional PKCS#1 ("RSA PRIVATE KEY").
Result<std::string> certificate_pem(X509* cert);
Result<std::string> private_key_pem(EVP_PKEY* key);

// Whether `key` is the private half of `cert`'s public key.
bool key_matches(X509* cert, EVP_PKEY* key);
// Whether `cert` names `ca` as issuer (name and key id), `ca` may sign certificates, and the signature
// verifies.
bool signed_by(X509* cert, X509* ca);

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time);
// The canonical text of a 4- or 16-byte IP address; empty for any other length.
std::string ip_text(const unsigned char* bytes, int length);

// Everything CertificateInfo reports about `cert`.
CertificateInfo describe(X509* cert);

} // namespace mk::pki::detail
