// SPDX-License-Identifier: Apache-2.0
#include "mk/core/hash.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace mk::core {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i)
    hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

} // namespace mk::core
