// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/pki/pki.hpp"

#include <chrono>
#include <filesystem>
#include <string_view>

// Lower level than pki.hpp: unconditional issuing with explicit validity. ensure_ca/ensure_leaf use these;
// tests use them to write expired or soon-expiring certificates.
namespace mk::pki {

using TimePoint = std::chrono::system_clock::time_point;

// Writes a new self-signed CA pair (fresh RSA 2048 key) valid from `not_before` to `not_after`, key first
// (0600), then the certificate (0644). Parent directories are created.
Status issue_ca(const std::filesystem::path& cert, const std::filesystem::path& key,
                std::string_view common_name, TimePoint not_before, TimePoint not_after);

// Writes a new leaf pair for `spec` (its validity_days is ignored) signed by the CA at `ca_cert`/`ca_key`,
// valid from `not_before` to `not_after`. Fails with `usage` for an invalid spec, before writing anything.
Status issue_leaf(const std::filesystem::path& cert, const std::filesystem::path& key,
                  const std::filesystem::path& ca_cert, const std::filesystem::path& ca_key,
                  const LeafSpec& spec, TimePoint not_before, TimePoint not_after);

// `text` as a canonical IP address ("10.96.0.1"); `usage` error when it is not an IPv4 or IPv6 address.
Result<std::string> canonical_ip(std::string_view text);

} // namespace mk::pki
