// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace mk::core {

// The SHA-256 of `data`, lower-case hex.
std::string sha256_hex(std::string_view data);

} // namespace mk::core
