// SPDX-License-Identifier: Apache-2.0
// Shared by the [pki] tests: temporary directories, running the openssl tool, common specs.
#pragma once

#include "mk/core/fs.hpp"
#include "mk/pki/pki.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace mk::pki::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A fresh directory under the system temporary directory, removed with everything in it on destruction.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           fmt::format("mk-pki-test-{}-{}-{:x}", ::getpid(), counter++, std::random_device{}());
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const char* name) const { return path / name; }
};

// Output (stdout and stderr) and exit status of a shell command.
struct Shell {
  int status = -1;
  std::string out;
};

inline Shell shell(const std::string& command) {
  Shell result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    result.out.append(buffer, n);
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string quote(const fs::path& path) {
  return "'" + path.string() + "'";
}

inline std::string bytes(const fs::path& path) {
  return core::read_file(path).value();
}

inline fs::perms mode(const fs::path& path) {
  return fs::status(path).permissions() & fs::perms::all;
}

// Whether `point` lies within `slack` of `expected`.
inline bool near(std::chrono::system_clock::time_point point, std::chrono::system_clock::time_point expected,
                 std::chrono::system_clock::duration slack = 2min) {
  return point > expected - slack && point < expected + slack;
}

inline LeafSpec apiserver_spec() {
  LeafSpec spec;
  spec.common_name = "minikube";
  spec.organizations = {"system:masters"};
  spec.dns_names = {"control-plane.minikube.internal", "kubernetes.default.svc.cluster.local", "localhost"};
  spec.ip_addresses = {"192.168.49.2", "10.96.0.1", "127.0.0.1", "10.0.0.1"};
  return spec;
}

// A CA in `dir` (ca.crt/ca.key), which must be freshly created.
inline void make_ca(const TempDir& dir, const char* name = "minikubeCA") {
  REQUIRE(ensure_ca(dir / "ca.crt", dir / "ca.key", name).value());
}

} // namespace mk::pki::test
