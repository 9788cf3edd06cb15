// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/preload.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"
#include "mk/net/download.hpp"
#include "mk/net/http.hpp"

#include <chrono>
#include <fmt/format.h>

namespace mk::cluster {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
constexpr const char* retry_advice = "retry later, or start with --preload=false to use no preload";

// Beside the tarball: "<sha256 or 'unverified'> <size>" once it is complete.
fs::path record_of(const fs::path& tarball) {
  return fs::path(tarball.string() + ".record");
}
fs::path absent_marker(const fs::path& tarball) {
  return fs::path(tarball.string() + ".absent");
}

// 404 and 410: the server says the file does not exist (as opposed to failing to answer).
bool not_published(int status) {
  return status == 404 || status == 410;
}

// The sha256 published beside the preload; empty when the mirror definitely publishes none (404/410), which
// is said as a warning. Any other failure to fetch it (no answer, a server error) is ErrorCode::network: the
// tarball is never used unverified because of a transient error.
Result<std::string> published_checksum(const mirror::RemoteFile& preload, ui::Reporter& ui) {
  auto published = net::http_get({preload.checksum_url});
  if (!published) {
    auto error = std::move(published).error();
    if (error.code == ErrorCode::network) error.advice = retry_advice;
    return fail(std::move(error).wrap("cannot fetch the preload's checksum"));
  }
  auto status = published->head.status;
  if (status == 200) return net::parse_sha256_file(published->body);
  if (not_published(status)) {
    ui.warning(fmt::format("no checksum is published for the preload ({} answered {}): it is used unverified",
                           preload.checksum_url, status));
    return std::string();
  }
  return fail(Error{ErrorCode::network,
                    fmt::format("cannot fetch the preload's checksum {}: the server answered {}",
                                preload.checksum_url, status),
                    {},
                    std::nullopt,
                    retry_advice});
}

bool complete(const fs::path& tarball) {
  auto record = core::read_file(record_of(tarball));
  std::error_code ec;
  auto size = fs::file_size(tarball, ec);
  if (!record || ec) return false;
  auto words = core::words(*record);
  return words.size() == 2 && words[1] == std::to_string(size);
}
} // namespace

fs::path preload_cache_path(const core::Paths& paths, const mirror::RemoteFile& preload) {
  return paths.cache_dir() / "preloaded-tarball" / preload.name;
}

PreloadAvailability find_preload(const core::Paths& paths, const mirror::RemoteFile& preload, bool ask) {
  auto tarball = preload_cache_path(paths, preload);
  if (complete(tarball)) return PreloadAvailability::cached;
  if (!ask) return PreloadAvailability::absent;
  auto marker = absent_marker(tarball);
  std::error_code ec;
  auto marked = fs::last_write_time(marker, ec);
  if (!ec && fs::file_time_type::clock::now() - marked < 24h) return PreloadAvailability::absent;
  net::HttpRequest head;
  head.url = preload.url;
  head.method = "HEAD";
  head.connect_timeout = 5s;
  head.idle_timeout = 10s;
  auto answer = net::http_get(head);
  if (answer && answer->head.status == 200) return PreloadAvailability::remote;
  // only a definite "not published" is remembered; no answer or a server error means no preload this run
  if (answer && not_published(answer->head.status))
    (void)core::write_file_atomic(marker, fmt::format("HTTP {}\n", answer->head.status));
  return PreloadAvailability::absent;
}

Result<fs::path> fetch_preload(const core::Paths& paths, const mirror::RemoteFile& preload, ui::Reporter& ui,
                               ui::Transfers& transfers) {
  auto tarball = preload_cache_path(paths, preload);
  if (complete(tarball)) return tarball;
  auto expected = MK_TRY(published_checksum(preload, ui));
  net::DownloadOptions options;
  options.expected_sha256 = expected;
  options.progress = [&](const net::DownloadProgress& p) {
    transfers.update("preload", p.received, p.total);
  };
  auto downloaded = net::download_file(preload.url, tarball, options);
  transfers.finish("preload", downloaded.has_value());
  if (!downloaded) return fail(std::move(downloaded).error());
  std::error_code ec;
  auto size = fs::file_size(tarball, ec);
  MK_TRY(core::write_file_atomic(record_of(tarball),
                                 fmt::format("{} {}\n", expected.empty() ? "unverified" : expected, size)));
  fs::remove(absent_marker(tarball), ec);
  return tarball;
}

} // namespace mk::cluster
