// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/net/http.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mk::net {

// How far a download is: bytes in the file so far (a resumed part included) and the expected size when known.
struct DownloadProgress {
  uint64_t received = 0;
  std::optional<uint64_t> total;
};

struct DownloadOptions {
  std::string expected_sha256{}; // lower- or upper-case hex; empty: no check
  std::function<void(const DownloadProgress&)>
      progress{};   // called at most about 10 times per second, and at the end
  int attempts = 4; // total tries; a retry after a broken transfer resumes with "Range: bytes=N-"
  TlsOptions tls{};
  std::vector<std::pair<std::string, std::string>> headers{}; // sent with every request, e.g. Authorization
};

// Makes sure `destination` holds the file at `url`. An existing destination is kept when it matches
// expected_sha256 (or when no checksum is given). Otherwise writes destination + ".download", resuming from
// its size (after a broken transfer, also one left by an earlier call) when the server answers 206 to a Range
// request and starting over on 200, checks the sha256 of the whole file, then renames it into place. One
// process at a time fetches a destination (a lock on destination + ".lock"); the others wait and then find
// the finished file. Fails with ErrorCode::checksum naming the URL and both hashes when the content does not
// match (the .download file is removed, and the destination never holds bad content); with ErrorCode::network
// naming the URL and the status on an HTTP error, or on a transfer error that persists through all attempts.
Status download_file(const std::string& url, const std::filesystem::path& destination,
                     const DownloadOptions& options);

// The sha256 of a file, lower-case hex.
Result<std::string> sha256_of_file(const std::filesystem::path& path);

// The hash in a ".sha256" file: its first word of 64 hex digits, lower-cased (dl.k8s.io files hold just the
// hash, sha256sum output holds "hash  name"). ErrorCode::checksum when there is none.
Result<std::string> parse_sha256_file(std::string_view body);

} // namespace mk::net
