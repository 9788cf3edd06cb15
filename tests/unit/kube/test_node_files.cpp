// SPDX-License-Identifier: Apache-2.0
#include "mk/exec/local_runner.hpp"
#include "mk/kube/node_files.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace mk;

static kube::NodeFilesParams params(k8s::Version version) {
  kube::NodeFilesParams p;
  p.version = version;
  p.node_name = "mk";
  p.node_ip = "192.168.49.2";
  return p;
}

TEST_CASE("kubelets before 1.24 probe Docker through mk's answering socket; later ones have no such flag",
          "[kube]") {
  auto old = kube::kubelet_dropin(params({1, 20, 2}));
  CHECK(old.find(" --docker=unix:///run/mk/docker-info.sock ") != std::string::npos);
  CHECK(old.find("Wants=containerd.service mk-docker-info.socket\n") != std::string::npos);
  CHECK(kube::kubelet_probes_docker({1, 23, 17}));
  for (auto version : {k8s::Version{1, 24, 0}, k8s::Version{1, 35, 1}}) {
    CHECK_FALSE(kube::kubelet_probes_docker(version));
    auto dropin = kube::kubelet_dropin(params(version));
    CHECK(dropin.find("--docker") == std::string::npos);
    CHECK(dropin.find("Wants=containerd.service\n") != std::string::npos);
  }
  CHECK(kube::docker_info_socket_unit().find(
            "ListenStream=/run/mk/docker-info.sock\nSocketMode=0600\nAccept=yes") != std::string::npos);
}

TEST_CASE("the Docker probe gets an HTTP answer with a root directory and no engine version", "[kube]") {
  auto dir =
      std::filesystem::temp_directory_path() / ("mk-docker-info-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto script = dir / "mk-docker-info";
  std::ofstream(script) << kube::docker_info_script();
  // the client keeps its end open, as an HTTP client waiting for the answer does: the script must answer once
  // the request's head is read, not at end of input (the timeout only guards against a hang)
  auto fifo = dir / "request";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int client = ::open(fifo.c_str(), O_RDWR);
  REQUIRE(client >= 0);
  std::string request = "GET /v1.40/info HTTP/1.1\r\nHost: docker\r\nAccept: */*\r\n\r\n";
  REQUIRE(::write(client, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  core::Log log(0);
  exec::LocalRunner host(log);
  exec::Command command{{"sh", script.string()}, {}, fifo, std::chrono::seconds(30), {}};
  auto answer = host.run(command);
  ::close(client);
  std::filesystem::remove_all(dir);
  REQUIRE(answer);
  REQUIRE(answer->exit_code == 0);
  const auto& out = answer->out;
  REQUIRE(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  auto head_end = out.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  auto body = out.substr(head_end + 4);
  CHECK(out.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  auto info = nlohmann::json::parse(body);
  CHECK(info.at("DockerRootDir") == "/var/lib/docker");
  CHECK(info.at("ServerVersion") == ""); // no engine: cAdvisor registers no Docker handler
}

TEST_CASE("a container node's kubelet is shown kernel settings read-only; a VM node's writes its own",
          "[kube]") {
  auto p = params({1, 20, 2});
  auto container = kube::kubelet_prep_script(p);
  CHECK(container.find("mount -o remount,bind,ro") != std::string::npos);
  CHECK(container.find("mk-sysctl-guard") != std::string::npos);
  p.sysctl_guard = false;
  auto vm = kube::kubelet_prep_script(p);
  CHECK(vm.find("mk-sysctl-guard") == std::string::npos);
  CHECK(vm.find("/etc/hosts") != std::string::npos); // the rest stays
}

TEST_CASE("a plain-HTTP registry on the host's loopback is reached at the VM's gateway", "[kube]") {
  auto same = kube::insecure_registry_hosts("172.17.0.1:5000");
  CHECK(same.find("server = \"http://172.17.0.1:5000\"") != std::string::npos);
  auto vm = kube::insecure_registry_hosts("127.0.0.1:5055", "10.0.2.2:5055");
  CHECK(vm.find("server = \"http://10.0.2.2:5055\"") != std::string::npos);
  CHECK(vm.find("[host.\"http://10.0.2.2:5055\"]") != std::string::npos);
  CHECK(vm.find("127.0.0.1:5055 is reached over plain HTTP, at 10.0.2.2:5055") != std::string::npos);
}
