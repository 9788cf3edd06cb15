// SPDX-License-Identifier: Apache-2.0
// Test support for the [http] tests: a temporary directory, tests/helpers/http_server.py as a child process,
// certificates made with the openssl CLI, and scoped environment variables.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace mk::test {

// A fresh directory under the system temp directory, removed with its contents on destruction.
class TempDir {
public:
  TempDir() {
    auto pattern = (std::filesystem::temp_directory_path() / "mk-http-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

inline void write_bytes(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// `size` bytes of deterministic, non-repeating-looking content.
inline std::string sample_content(size_t size) {
  std::string content(size, '\0');
  uint32_t state = 12345;
  for (auto& c : content) {
    state = state * 1103515245 + 12345;
    c = static_cast<char>(state >> 16);
  }
  return content;
}

// Runs `argv` (searched on PATH, stderr discarded) and waits; throws when it cannot start or exits non-zero.
inline void run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + argv[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv[0] + " failed");
}

// tests/helpers/http_server.py serving `directory` with extra `options`, stopped (SIGTERM) on destruction.
class HttpTestServer {
public:
  HttpTestServer(const std::filesystem::path& directory, std::vector<std::string> options, bool tls = false)
      : m_tls(tls) {
    std::vector<std::string> argv{
        "python3", MK_FIXTURES_DIR "/../helpers/http_server.py", "--dir", directory.string(), "--port", "0"};
    argv.insert(argv.end(), options.begin(), options.end());
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int spawned = ::posix_spawnp(&m_pid, "python3", &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    m_stdout = pipe_fds[0];
    if (spawned != 0)
      throw std::runtime_error(std::string("cannot start python3: ") + std::strerror(spawned));
    read_port();
  }
  ~HttpTestServer() {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    ::close(m_stdout);
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return m_port; }
  // The URL of `path` ("/file") on this server, by IP address.
  std::string url(const std::string& path) const {
    return (m_tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(m_port) + path;
  }

private:
  void read_port() {
    std::string output;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (output.find('\n') == std::string::npos) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd entry{m_stdout, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[256];
      auto n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<size_t>(n));
    }
    if (!output.starts_with("PORT ")) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
      ::close(m_stdout);
      throw std::runtime_error("the test HTTP server did not start: " + output);
    }
    m_port = std::stoi(output.substr(5));
  }

  bool m_tls;
  pid_t m_pid = -1;
  int m_stdout = -1;
  int m_port = 0;
};

// A CA (ca.crt, ca.key), a server certificate it signed (server.crt, server.key) for IP:127.0.0.1,
// DNS:localhost and DNS:mk.test, and a client certificate (client.crt, client.key), written to `directory`
// (file names start with `prefix`) with the openssl CLI.
inline void make_certificates(const std::filesystem::path& directory, const std::string& prefix = "") {
  auto file = [&](const std::string& name) { return (directory / (prefix + name)).string(); };
  write_bytes(file("ext.cnf"),
              "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:mk.test\nextendedKeyUsage=serverAuth\n");
  write_bytes(file("client-ext.cnf"), "extendedKeyUsage=clientAuth\n");
  std::vector<std::string> key{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  auto with_key = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin() + 2, key.begin(), key.end());
    return argv;
  };
  run_program(with_key({"openssl", "req", "-x509", "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days",
                        "2", "-subj", "/CN=mk-test-ca"}));
  run_program(with_key({"openssl", "req", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj",
                        "/CN=127.0.0.1"}));
  run_program({"openssl", "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey",
               file("ca.key"), "-CAcreateserial", "-days", "2", "-out", file("server.crt"), "-extfile",
               file("ext.cnf")});
  run_program(with_key({"openssl", "req", "-keyout", file("client.key"), "-out", file("client.csr"), "-subj",
                        "/CN=mk-test-client"}));
  run_program({"openssl", "x509", "-req", "-in", file("client.csr"), "-CA", file("ca.crt"), "-CAkey",
               file("ca.key"), "-CAcreateserial", "-days", "2", "-out", file("client.crt"), "-extfile",
               file("client-ext.cnf")});
}

// Sets (or, with nullopt, unsets) an environment variable for the scope; restores the old value after.
class ScopedEnv {
public:
  ScopedEnv(std::string name, std::optional<std::string> value) : m_name(std::move(name)) {
    if (const char* old = std::getenv(m_name.c_str())) m_old = old;
    if (value) {
      ::setenv(m_name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name.c_str(), m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  std::string m_name;
  std::optional<std::string> m_old;
};

} // namespace mk::test
