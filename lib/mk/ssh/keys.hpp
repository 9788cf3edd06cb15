// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <filesystem>
#include <string>

namespace mk::ssh {

// Makes sure `private_key` (PEM, RSA 2048, mode 0600) and `<private_key>.pub` (authorized_keys format) exist,
// generating a new pair when either is missing. Returns the public key line.
Result<std::string> ensure_key_pair(const std::filesystem::path& private_key, std::string_view comment);

// The authorized_keys line ("ssh-rsa AAAA... comment") of an RSA key given as PEM.
Result<std::string> public_key_line(std::string_view private_key_pem, std::string_view comment);

} // namespace mk::ssh
