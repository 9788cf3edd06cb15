// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"

#include "mk/core/fs.hpp"
#include "mk/net/http.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <future>
#include <optional>

namespace mk::cluster {

namespace fs = std::filesystem;

static bool cached_and_intact(const fs::path& binary, const fs::path& recorded_sum) {
  auto recorded = core::read_file(recorded_sum);
  if (!recorded || !fs::exists(binary)) return false;
  auto expected = net::parse_sha256_file(*recorded);
  auto actual = net::sha256_of_file(binary);
  return expected && actual && *expected == *actual;
}

Result<fs::path> ensure_binary(const mirror::RemoteFile& file, const fs::path& directory,
                               const std::function<void(const net::DownloadProgress&)>& progress) {
  auto binary = directory / file.name;
  auto recorded_sum = directory / (file.name + ".sha256");
  if (cached_and_intact(binary, recorded_sum)) return binary;
  const auto& url = file.url;
  auto sum = MK_TRY(net::http_get({file.checksum_url}));
  if (sum.head.status != 200)
    return fail(Error{
        ErrorCode::network,
        fmt::format("cannot download {}: HTTP {}", file.checksum_url, sum.head.status),
        {},
        {},
        "check --binary-mirror (it must hold <base>/<version>/bin/linux/amd64/<name> and <name>.sha256)"});
  auto expected = MK_TRY(net::parse_sha256_file(sum.body));
  net::DownloadOptions options;
  options.expected_sha256 = expected;
  options.progress = progress;
  MK_TRY(net::download_file(url, binary, options));
  fs::permissions(binary, fs::perms(0755));
  MK_TRY(core::write_file_atomic(recorded_sum, expected + "\n", 0644));
  return binary;
}

bool binaries_cached(const std::vector<mirror::RemoteFile>& binaries, const fs::path& directory) {
  return std::all_of(binaries.begin(), binaries.end(), [&](const mirror::RemoteFile& file) {
    return cached_and_intact(directory / file.name, directory / (file.name + ".sha256"));
  });
}

Status ensure_binaries(const std::vector<mirror::RemoteFile>& binaries, const fs::path& directory,
                       ui::Transfers& transfers) {
  std::vector<std::future<Result<fs::path>>> downloads;
  for (const auto& file : binaries)
    downloads.push_back(std::async(std::launch::async, [&file, &directory, &transfers] {
      auto result = ensure_binary(file, directory, [&](const net::DownloadProgress& p) {
        transfers.update(file.name, p.received, p.total);
      });
      transfers.finish(file.name, result.has_value());
      return result;
    }));
  std::optional<Error> first_error;
  for (auto& download : downloads)
    if (auto result = download.get(); !result && !first_error) first_error = std::move(result).error();
  if (first_error) return fail(std::move(*first_error));
  return {};
}

} // namespace mk::cluster
