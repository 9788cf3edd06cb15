// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/core/fs.hpp"
#include "mk/net/http.hpp"

#include <fmt/format.h>

namespace mk::cluster {

namespace fs = std::filesystem;

static bool cached_and_intact(const fs::path& binary, const fs::path& recorded_sum) {
  auto recorded = core::read_file(recorded_sum);
  if (!recorded || !fs::exists(binary)) return false;
  auto expected = net::parse_sha256_file(*recorded);
  auto actual = net::sha256_of_file(binary);
  return expected && actual && *expected == *actual;
}

Result<fs::path> ensure_binary(std::string_view base, const k8s::Version& version, std::string_view name,
                               const fs::path& directory,
                               const std::function<void(const net::DownloadProgress&)>& progress) {
  auto binary = directory / name;
  auto recorded_sum = directory / (std::string(name) + ".sha256");
  if (cached_and_intact(binary, recorded_sum)) return binary;
  auto url = binary_url(base, version, name);
  auto sum = MK_TRY(net::http_get({url + ".sha256"}));
  if (sum.head.status != 200)
    return fail(Error{ErrorCode::network, fmt::format("cannot download {}.sha256: HTTP {}", url, sum.head.status), {},
                      {}, "check --binary-mirror (it must hold <base>/<version>/bin/linux/amd64/<name> and <name>.sha256)"});
  auto expected = MK_TRY(net::parse_sha256_file(sum.body));
  net::DownloadOptions options;
  options.expected_sha256 = expected;
  options.progress = progress;
  MK_TRY(net::download_file(url, binary, options));
  fs::permissions(binary, fs::perms(0755));
  MK_TRY(core::write_file_atomic(recorded_sum, expected + "\n", 0644));
  return binary;
}

} // namespace mk::cluster
