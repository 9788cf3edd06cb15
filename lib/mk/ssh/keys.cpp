// SPDX-License-Identifier: Apache-2.0
#include "mk/ssh/keys.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"

#include <fmt/format.h>
#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <vector>

namespace mk::ssh {

namespace {
struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <class T> using Owned = std::unique_ptr<T, Free>;

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((value >> shift) & 0xff);
}
void append_string(std::string& out, std::string_view value) {
  append_u32(out, static_cast<uint32_t>(value.size()));
  out += value;
}
// An SSH "mpint": big-endian, with a leading zero byte when the top bit is set.
void append_mpint(std::string& out, const BIGNUM* number) {
  std::vector<unsigned char> bytes(static_cast<size_t>(BN_num_bytes(number)));
  BN_bn2bin(number, bytes.data());
  std::string value;
  if (!bytes.empty() && (bytes.front() & 0x80)) value += '\0';
  value.append(bytes.begin(), bytes.end());
  append_string(out, value);
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Error openssl_error(std::string what) {
  return Error{ErrorCode::failure, std::move(what), {}, {}, {}};
}
} // namespace

static Result<std::string> public_line(EVP_PKEY* key, std::string_view comment) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) ||
      !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e))
    return fail(openssl_error("the SSH key is not an RSA key"));
  Owned<BIGNUM> owned_n(n), owned_e(e);
  std::string blob;
  append_string(blob, "ssh-rsa");
  append_mpint(blob, e);
  append_mpint(blob, n);
  return fmt::format("ssh-rsa {} {}", base64(blob), comment);
}

Result<std::string> public_key_line(std::string_view private_key_pem, std::string_view comment) {
  Owned<BIO> bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return fail(openssl_error("cannot read the SSH private key"));
  return public_line(key.get(), comment);
}

Result<std::string> ensure_key_pair(const std::filesystem::path& private_key, std::string_view comment) {
  auto public_key = private_key;
  public_key += ".pub";
  if (auto existing = core::read_file(private_key)) {
    if (auto line = public_key_line(*existing, comment)) {
      if (!std::filesystem::exists(public_key))
        MK_TRY(core::write_file_atomic(public_key, *line + "\n", 0644));
      return line;
    }
  }
  Owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  if (!key) return fail(openssl_error("cannot generate an SSH key"));
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return fail(openssl_error("cannot encode the SSH key"));
  char* data = nullptr;
  auto size = BIO_get_mem_data(bio.get(), &data);
  MK_TRY(core::write_file_atomic(private_key, std::string_view(data, static_cast<size_t>(size)), 0600));
  auto line = MK_TRY(public_line(key.get(), comment));
  MK_TRY(core::write_file_atomic(public_key, line + "\n", 0644));
  return line;
}

} // namespace mk::ssh
