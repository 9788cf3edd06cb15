// SPDX-License-Identifier: Apache-2.0
// Test support for the [registry] tests: a real registry (Debian's docker-registry, distribution 2.8) on a
// free loopback port with its access log in a file, images pushed by tests/helpers/registry_push.py, its
// bearer-auth front, and a reader for the archives pull_to_archive writes.
#pragma once

#include "mk/net/http.hpp"
#include "tests/unit/net/http_test_support.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <map>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <thread>

// REQUIRE(status) shows the error of a failed Status.
namespace Catch {
template <> struct StringMaker<mk::Status> {
  static std::string convert(const mk::Status& status) {
    return status ? std::string("ok") : "error: " + status.error().summary();
  }
};
} // namespace Catch

namespace mk::test {

inline const std::string k_push_script = MK_FIXTURES_DIR "/../helpers/registry_push.py";

// A loopback TCP port that was free a moment ago.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("cannot find a free port");
  ::close(fd);
  return ntohs(address.sin_port);
}

// A child process with stdout going to a pipe (read with read_line / read_all) or, with `log`, stdout and
// stderr appended to that file. SIGTERM and reaped on destruction.
class ChildProcess {
public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log = {}) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    if (log.empty()) {
      ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
      ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    } else {
      ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
      ::posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const auto& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int spawned = ::posix_spawnp(&m_pid, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    m_stdout = pipe_fds[0];
    if (spawned != 0) {
      ::close(m_stdout);
      throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }
  }
  ~ChildProcess() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
    }
    ::close(m_stdout);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first line of stdout (without its newline), waiting up to `timeout`; empty when none came.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_output.find('\n') == std::string::npos) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd entry{m_stdout, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) return {};
      char buffer[4096];
      auto n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) return {};
      m_output.append(buffer, static_cast<size_t>(n));
    }
    auto end = m_output.find('\n');
    auto line = m_output.substr(0, end);
    m_output.erase(0, end + 1);
    return line;
  }
  // Waits for the process to exit; its exit status (-1 when killed by a signal).
  int wait() {
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t m_pid = -1;
  int m_stdout = -1;
  std::string m_output;
};

// docker-registry serving a fresh storage directory on a free loopback port, no auth, access log in log().
class TestRegistry {
public:
  TestRegistry() : m_port(free_port()) {
    write_bytes(m_dir / "config.yml", "version: 0.1\n"
                                      "log:\n  level: warn\n  accesslog:\n    disabled: false\n"
                                      "storage:\n  filesystem:\n    rootdirectory: " +
                                          (m_dir / "storage").string() +
                                          "\n"
                                          "http:\n  addr: " +
                                          host() + "\n  secret: mk-test\n");
    m_process.emplace(std::vector<std::string>{"docker-registry", "serve", (m_dir / "config.yml").string()},
                      log());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto response = net::http_get({.url = url("/v2/"), .use_proxy_environment = false});
      if (response && response->head.status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("docker-registry did not start: " + read_bytes(log()));
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }
  std::string url(const std::string& path) const { return "http://" + host() + path; }
  std::filesystem::path log() const { return m_dir / "registry.log"; }
  // Where the filesystem driver keeps the blob with `digest` ("sha256:<hex>").
  std::filesystem::path blob_file(const std::string& digest) const {
    auto hex = digest.substr(7);
    return m_dir / "storage/docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
  }
  // Access-log lines of GET requests whose target starts with `prefix`.
  size_t count_gets(const std::string& prefix) const {
    size_t count = 0;
    for (const auto& line : read_lines(log()))
      if (line.find("\"GET " + prefix) != std::string::npos) ++count;
    return count;
  }
  // registry_push.py push ... into this registry; what it printed.
  nlohmann::json push(const std::string& repository, const std::string& tag, const std::string& kind) const {
    ChildProcess pusher({"python3", k_push_script, "push", "--registry", host(), "--repository", repository,
                         "--tag", tag, "--kind", kind});
    auto line = pusher.read_line(std::chrono::seconds(60));
    if (pusher.wait() != 0 || line.empty()) throw std::runtime_error("registry_push.py push failed");
    return nlohmann::json::parse(line);
  }

private:
  TempDir m_dir;
  int m_port;
  std::optional<ChildProcess> m_process;
};

// registry_push.py auth-proxy in front of `upstream`, access log in log().
class AuthProxy {
public:
  explicit AuthProxy(const TestRegistry& upstream)
      : m_process({"python3", k_push_script, "auth-proxy", "--upstream", upstream.host(), "--access-log",
                   log().string()}) {
    auto line = m_process.read_line();
    if (!line.starts_with("PORT ")) throw std::runtime_error("the auth proxy did not start");
    m_port = std::stoi(line.substr(5));
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }
  std::filesystem::path log() const { return m_dir / "proxy.log"; }

private:
  TempDir m_dir;
  ChildProcess m_process;
  int m_port = 0;
};

// The regular files of a tar archive, by path, read with libarchive.
inline std::map<std::string, std::string> read_archive(const std::filesystem::path& path) {
  std::map<std::string, std::string> files;
  struct archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  if (archive_read_open_filename(reader, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    archive_read_free(reader);
    throw std::runtime_error("cannot open " + path.string());
  }
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    auto& content = files[archive_entry_pathname(entry)];
    char buffer[1 << 16];
    for (la_ssize_t n; (n = archive_read_data(reader, buffer, sizeof buffer)) > 0;)
      content.append(buffer, static_cast<size_t>(n));
  }
  archive_read_free(reader);
  return files;
}

} // namespace mk::test
