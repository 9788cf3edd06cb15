// SPDX-License-Identifier: Apache-2.0
#include "mk/pki/pki.hpp"

#include "mk/pki/issue.hpp"
#include "mk/pki/openssl_util.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::pki {

namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr int k_ca_validity_days = 3650;
// Certificates are issued slightly in the past so that a node whose clock lags a little still accepts them.
constexpr auto k_backdate = std::chrono::hours(1);
// A certificate expiring within this margin is replaced.
constexpr auto k_renew_margin = std::chrono::hours(24);

std::chrono::system_clock::duration days(int count) {
  return std::chrono::hours(24) * count;
}

// Whether `cert` is valid now and still will be after the renewal margin.
bool current(const CertificateInfo& info) {
  auto now = std::chrono::system_clock::now();
  return info.not_before <= now && now + k_renew_margin < info.not_after;
}

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Whether the pair at `cert`/`key` is a usable CA; any load failure means it is not.
bool usable_ca(const fs::path& cert_path, const fs::path& key_path) {
  auto cert = load_certificate(cert_path);
  auto key = load_private_key(key_path);
  if (!cert || !key || !key_matches(cert->get(), key->get())) return false;
  auto info = describe(cert->get());
  return info.is_ca && current(info);
}

// Whether the pair at `cert`/`key` is a current leaf signed by `ca` with exactly what `spec` asks for.
bool matching_leaf(const fs::path& cert_path, const fs::path& key_path, X509* ca, const LeafSpec& spec,
                   const std::vector<std::string>& wanted_ips) {
  auto cert = load_certificate(cert_path);
  auto key = load_private_key(key_path);
  if (!cert || !key || !key_matches(cert->get(), key->get()) || !signed_by(cert->get(), ca)) return false;
  auto info = describe(cert->get());
  return current(info) && !info.is_ca && info.common_name == spec.common_name &&
         sorted(info.organizations) == sorted(spec.organizations) &&
         sorted(info.dns_names) == sorted(spec.dns_names) && sorted(info.ip_addresses) == wanted_ips &&
         info.server_auth == spec.server_auth && info.client_auth == spec.client_auth;
}

} // namespace

Result<bool> ensure_ca(const fs::path& cert, const fs::path& key, std::string_view common_name) {
  if (usable_ca(cert, key)) return false;
  auto now = std::chrono::system_clock::now();
  auto issued = issue_ca(cert, key, common_name, now - k_backdate, now + days(k_ca_validity_days));
  if (!issued) return fail(std::move(issued).error().wrap(fmt::format("creating CA {}", cert.string())));
  return true;
}

Result<bool> ensure_leaf(const fs::path& cert, const fs::path& key, const fs::path& ca_cert,
                         const fs::path& ca_key, const LeafSpec& spec) {
  if (spec.validity_days <= 0)
    return fail(ErrorCode::usage, fmt::format("certificate {} needs a positive validity", spec.common_name));
  std::vector<std::string> wanted_ips;
  for (const auto& ip : spec.ip_addresses)
    wanted_ips.push_back(MK_TRY(canonical_ip(ip)));
  wanted_ips = sorted(std::move(wanted_ips));
  auto ca = load_certificate(ca_cert);
  if (!ca) return fail(std::move(ca).error().wrap(fmt::format("creating certificate {}", cert.string())));
  if (matching_leaf(cert, key, ca->get(), spec, wanted_ips)) return false;
  auto now = std::chrono::system_clock::now();
  auto issued =
      issue_leaf(cert, key, ca_cert, ca_key, spec, now - k_backdate, now + days(spec.validity_days));
  if (!issued)
    return fail(std::move(issued).error().wrap(fmt::format("creating certificate {}", cert.string())));
  return true;
}

Result<CertificateInfo> read_certificate(const fs::path& cert) {
  auto loaded = MK_TRY(load_certificate(cert));
  return describe(loaded.get());
}

Result<bool> verify_signed_by(const fs::path& cert, const fs::path& ca_cert) {
  auto loaded = MK_TRY(load_certificate(cert));
  auto ca = MK_TRY(load_certificate(ca_cert));
  if (!signed_by(loaded.get(), ca.get())) return false;
  auto info = describe(loaded.get());
  auto now = std::chrono::system_clock::now();
  return info.not_before <= now && now <= info.not_after;
}

} // namespace mk::pki
