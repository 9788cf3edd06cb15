// SPDX-License-Identifier: Apache-2.0
#include "mk/net/download.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <openssl/evp.h>
#include <optional>
#include <thread>
#include <unistd.h>

namespace mk::net {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto k_lock_timeout = std::chrono::hours(2);
constexpr auto k_progress_interval = std::chrono::milliseconds(100);
constexpr auto k_first_backoff = std::chrono::milliseconds(500);

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

Error make_error(ErrorCode code, std::string message) {
  return fail(code, std::move(message)).error();
}

bool is_hex_hash(std::string_view word) {
  return word.size() == 64 &&
         std::ranges::all_of(word, [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// Passes progress on, at most once per k_progress_interval (and always when `force`).
class ProgressReporter {
public:
  explicit ProgressReporter(const std::function<void(const DownloadProgress&)>& callback)
      : m_callback(callback) {}
  void report(const DownloadProgress& progress, bool force = false) {
    if (!m_callback) return;
    auto now = Clock::now();
    if (!force && m_reported && now - m_last < k_progress_interval) return;
    m_reported = true;
    m_last = now;
    m_callback(progress);
  }

private:
  const std::function<void(const DownloadProgress&)>& m_callback;
  Clock::time_point m_last;
  bool m_reported = false;
};

// The start of a "Content-Range: bytes N-M/T" value, and T when known.
std::optional<std::pair<uint64_t, std::optional<uint64_t>>> parse_content_range(std::string_view value) {
  if (!value.starts_with("bytes ")) return std::nullopt;
  value.remove_prefix(6);
  uint64_t start = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), start);
  if (ec != std::errc() || end == value.data() + value.size() || *end != '-') return std::nullopt;
  std::optional<uint64_t> total;
  if (auto slash = value.find('/'); slash != std::string_view::npos) {
    uint64_t size = 0;
    auto rest = value.substr(slash + 1);
    if (std::from_chars(rest.data(), rest.data() + rest.size(), size).ec == std::errc()) total = size;
  }
  return std::pair{start, total};
}

enum class Verdict { done, retry, give_up };

// sha256 of a stream, fed as it arrives.
class StreamHash {
public:
  StreamHash() : m_context(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (m_context && EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr) != 1) m_context.reset();
  }
  void update(std::string_view data) {
    if (m_context && EVP_DigestUpdate(m_context.get(), data.data(), data.size()) != 1) m_context.reset();
  }
  // The lowercase hex digest; empty when hashing failed (then the file is hashed from disk).
  std::string finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!m_context || EVP_DigestFinal_ex(m_context.get(), digest, &length) != 1) return {};
    std::string hex;
    for (unsigned i = 0; i < length; ++i)
      hex += fmt::format("{:02x}", digest[i]);
    return hex;
  }

private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_context;
};

struct Attempt {
  Verdict verdict = Verdict::done;
  Error error;
  bool resumed = false; // the server continued a partial file
  std::string sha256;   // of the whole file, when this attempt wrote it from its start
};

// One request for `url`, appending to (206) or rewriting (200) `part`, which holds `offset` bytes.
Attempt fetch_once(const std::string& url, const fs::path& part, uint64_t offset,
                   const DownloadOptions& options, ProgressReporter& progress) {
  HttpRequest request;
  request.url = url;
  request.tls = options.tls;
  request.headers = options.headers;
  if (offset > 0) request.headers.emplace_back("Range", fmt::format("bytes={}-", offset));
  Attempt attempt;
  std::optional<Error> local_error; // a problem on our side, or an answer that cannot continue `part`
  bool restart = false;             // `part` cannot be continued: start over on the next try
  int fd = -1;
  std::optional<StreamHash> hash; // the file is hashed as it arrives, unless an earlier part is continued
  DownloadProgress state;
  auto on_head = [&](const HttpResponseHead& head) {
    if (head.status / 100 != 2) {
      restart = head.status == 416 && offset > 0;
      return;
    }
    bool append = false;
    state.total = head.content_length;
    if (head.status == 206) {
      auto it = head.headers.find("content-range");
      auto range = it == head.headers.end() ? std::nullopt : parse_content_range(it->second);
      if (offset == 0 || !range || range->first != offset) {
        restart = true;
        local_error = make_error(ErrorCode::network, fmt::format("{} answered an unexpected range", url));
        return;
      }
      append = true;
      attempt.resumed = true;
      state.received = offset;
      state.total = range->second ? range->second
                                  : head.content_length.transform([&](uint64_t n) { return n + offset; });
    }
    if (!append) hash.emplace();
    fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0)
      local_error = make_error(ErrorCode::failure,
                               fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
    progress.report(state, true);
  };
  auto on_data = [&](std::string_view data) {
    if (core::interrupted()) {
      local_error = make_error(ErrorCode::interrupted, fmt::format("download of {} interrupted", url));
      return false;
    }
    if (local_error) return false;
    if (fd < 0) return true; // the body of an error answer
    for (size_t written = 0; written < data.size();) {
      auto n = ::write(fd, data.data() + written, data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        local_error = make_error(ErrorCode::failure,
                                 fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
        return false;
      }
      written += static_cast<size_t>(n);
    }
    if (hash) hash->update(data);
    state.received += data.size();
    progress.report(state);
    return true;
  };
  auto head = http_stream(request, on_head, on_data);
  if (fd >= 0) {
    if (head && !local_error && ::fsync(fd) != 0)
      local_error = make_error(ErrorCode::failure,
                               fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
    ::close(fd);
  }
  if (restart) {
    std::error_code ignored;
    fs::remove(part, ignored);
    attempt.verdict = Verdict::retry;
    attempt.error =
        local_error ? *local_error
                    : make_error(ErrorCode::network, fmt::format("{} cannot resume a partial download", url));
  } else if (local_error) {
    attempt.verdict = local_error->code == ErrorCode::network ? Verdict::retry : Verdict::give_up;
    attempt.error = std::move(*local_error);
  } else if (!head) {
    attempt.verdict = head.error().code == ErrorCode::network ? Verdict::retry : Verdict::give_up;
    attempt.error = std::move(head).error();
  } else if (head->status / 100 != 2) {
    bool transient = head->status == 408 || head->status == 429 || head->status >= 500;
    attempt.verdict = transient ? Verdict::retry : Verdict::give_up;
    attempt.error =
        make_error(ErrorCode::network, fmt::format("cannot download {}: HTTP status {}", url, head->status));
  } else {
    progress.report(state, true);
    if (hash) attempt.sha256 = hash->finish();
  }
  return attempt;
}

// Whether `destination` already holds the wanted file.
Result<bool> is_complete(const fs::path& destination, const std::string& expected) {
  std::error_code ec;
  if (!fs::is_regular_file(destination, ec)) return false;
  if (expected.empty()) return true;
  return MK_TRY(sha256_of_file(destination)) == expected;
}

} // namespace

Status download_file(const std::string& url, const fs::path& destination, const DownloadOptions& options) {
  auto expected = lower(core::trim(options.expected_sha256));
  if (!expected.empty() && !is_hex_hash(expected))
    return fail(ErrorCode::usage, fmt::format("invalid sha256 \"{}\" for {}", options.expected_sha256, url));
  if (destination.has_parent_path()) MK_TRY(core::ensure_directory(destination.parent_path()));
  auto lock_path = destination;
  lock_path += ".lock";
  auto lock = MK_TRY(core::FileLock::acquire(lock_path, k_lock_timeout, [] {}));
  if (MK_TRY(is_complete(destination, expected))) return {};

  auto part = destination;
  part += ".download";
  ProgressReporter progress(options.progress);
  auto last_error = make_error(ErrorCode::network, fmt::format("cannot download {}", url));
  int attempts = std::max(1, options.attempts);
  bool started_over = false;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(k_first_backoff * (1 << std::min(attempt - 2, 4)));
    std::error_code ec;
    auto size = fs::file_size(part, ec);
    auto outcome = fetch_once(url, part, ec ? 0 : size, options, progress);
    if (outcome.verdict == Verdict::give_up) return fail(std::move(outcome.error));
    if (outcome.verdict == Verdict::retry) {
      last_error = std::move(outcome.error);
      continue;
    }
    if (!expected.empty()) {
      auto actual = outcome.sha256.empty() ? MK_TRY(sha256_of_file(part)) : outcome.sha256;
      if (actual != expected) {
        fs::remove(part, ec);
        if (outcome.resumed && !started_over) { // the kept part may be stale: one more try from scratch
          started_over = true;
          ++attempts;
          continue;
        }
        return fail(ErrorCode::checksum, fmt::format("checksum mismatch for {}: expected sha256 {}, got {}",
                                                     url, expected, actual));
      }
    }
    fs::rename(part, destination, ec);
    if (ec)
      return fail(ErrorCode::failure,
                  fmt::format("cannot move {} into place: {}", part.string(), ec.message()));
    return {};
  }
  if (attempts > 1) last_error.message += fmt::format(" (gave up after {} attempts)", attempts);
  return fail(std::move(last_error));
}

Result<std::string> sha256_of_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::not_found, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    return fail(ErrorCode::failure, "cannot initialise sha256");
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(context.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return fail(ErrorCode::failure, fmt::format("cannot read {}", path.string()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  for (unsigned i = 0; i < length; ++i)
    hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Result<std::string> parse_sha256_file(std::string_view body) {
  for (const auto& word : core::words(body)) {
    std::string_view hash = word;
    if (hash.starts_with('\\'))
      hash.remove_prefix(1); // sha256sum escapes lines of names with special characters
    if (is_hex_hash(hash)) return lower(hash);
  }
  return fail(ErrorCode::checksum, "no sha256 hash found in the checksum file");
}

} // namespace mk::net
