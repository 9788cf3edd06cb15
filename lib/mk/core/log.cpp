// SPDX-License-Identifier: Apache-2.0
#include "mk/core/log.hpp"

#include <chrono>
#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mutex>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace mk::core {

namespace {
std::mutex& log_mutex() {
  static std::mutex mutex;
  return mutex;
}
} // namespace

Log::~Log() {
  if (m_record) std::fclose(m_record);
}

bool Log::record_to(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::fchmod(fd, 0600);
  m_record = ::fdopen(fd, "w");
  if (!m_record) ::close(fd);
  return m_record != nullptr;
}

void Log::write(int level, std::string_view message) const {
  bool to_stderr = m_verbosity >= level;
  bool to_record = m_record && level <= 2;
  if (!to_stderr && !to_record) return;
  std::lock_guard lock(log_mutex());
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  if (to_stderr) {
    fmt::print(stderr, "I{:%H:%M:%S} {}\n", now, message);
    std::fflush(stderr);
  }
  if (to_record) {
    fmt::print(m_record, "I{:%H:%M:%S} {}\n", now, redact_secrets(message));
    std::fflush(m_record);
  }
}

void Log::record(std::string_view message) const {
  if (!m_record) return;
  std::lock_guard lock(log_mutex());
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  fmt::print(m_record, "I{:%H:%M:%S} {}\n", now, redact_secrets(message));
  std::fflush(m_record);
}

std::string redact_secrets(std::string_view text) {
  static const std::regex pem("-----BEGIN ([A-Z ]*)PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----");
  static const std::regex key_data("((client|private)-key-data:?\\s*\"?)[A-Za-z0-9+/=]+");
  static const std::regex bootstrap_token("\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b");
  static const std::regex certificate_key("(certificate[-_]key[\"':= ]+)[0-9a-fA-F]{64}");
  static const std::regex bearer("((--token|token:|Bearer)\\s*\"?)[A-Za-z0-9._~+/=-]{8,}");
  std::string out(text);
  out = std::regex_replace(out, pem, "-----BEGIN $1PRIVATE KEY----- <redacted> -----END $1PRIVATE KEY-----");
  out = std::regex_replace(out, key_data, "$1<redacted>");
  out = std::regex_replace(out, bootstrap_token, "<redacted>");
  out = std::regex_replace(out, certificate_key, "$1<redacted>");
  out = std::regex_replace(out, bearer, "$1<redacted>");
  return out;
}

} // namespace mk::core
