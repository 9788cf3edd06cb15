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

TEST_CASE("kubelets before 1.24 probe Docker through mk's answering socket - later ones have no such flag",
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

TEST_CASE("a container node's kubelet is shown kernel settings read-only - a VM node's writes its own",
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

TEST_CASE(
    "a node's bridge network uses its own pod CIDR without NAT - leaving the cluster CIDR is masqueraded",
    "[kube]") {
  auto p = params({1, 20, 2});
  p.node_name = "mk-m02";
  p.node_ip = "192.168.49.3";
  p.control_plane_host = "control-plane.mk.internal";
  p.control_plane_ip = "192.168.49.2";
  p.pod_cidr = "10.244.1.0/24";
  p.cluster_cidr = "10.244.0.0/16";
  auto conflist = nlohmann::json::parse(kube::bridge_cni_config(p));
  auto bridge = conflist["plugins"][0];
  CHECK(bridge["ipMasq"] == false);
  CHECK(bridge["ipam"]["subnet"] == "10.244.1.0/24");
  auto prep = kube::kubelet_prep_script(p);
  // a worker resolves the control plane's name to the primary's address
  CHECK(prep.find("printf '%s\\t%s\\n' '192.168.49.2' 'control-plane.mk.internal'") != std::string::npos);
  CHECK(prep.find("masquerade=\"-s 10.244.0.0/16 ! -d 10.244.0.0/16 ") != std::string::npos);
  CHECK(prep.find("iptables -t nat -C POSTROUTING $masquerade 2>/dev/null || iptables -t nat -A POSTROUTING "
                  "$masquerade") != std::string::npos);
  // the primary: its own address
  p.control_plane_ip.clear();
  CHECK(kube::kubelet_prep_script(p).find("'192.168.49.3' 'control-plane.mk.internal'") != std::string::npos);
}

TEST_CASE("the pod routes script replaces the wanted routes and deletes stale ones via a gateway", "[kube]") {
  auto script = kube::pod_routes_script(
      "10.244.0.0/16", {{"10.244.1.0/24", "192.168.49.3"}, {"10.244.2.0/24", "192.168.49.4"}});
  CHECK(script.find("wanted=\" 10.244.1.0/24=192.168.49.3 10.244.2.0/24=192.168.49.4 \"") !=
        std::string::npos);
  CHECK(script.find("ip -4 route show root 10.244.0.0/16 |") != std::string::npos);
  CHECK(script.find("ip route replace \"${route%=*}\" via \"${route#*=}\"") != std::string::npos);
  // the routes really end up as wanted: run it with `ip` faked by a function that records its arguments
  auto fake = std::string(R"sh(ip() {
  if [ "$1 $2 $3" = "-4 route show" ]; then
    printf '10.244.0.0/24 dev bridge proto kernel scope link src 10.244.0.1\n10.244.1.0/24 via 192.168.49.3 dev eth0\n10.244.7.0/24 via 192.168.49.9 dev eth0\n'
  else echo "ip $*" >>"$log"; fi
}
)sh");
  auto log = std::filesystem::temp_directory_path() / ("mk-routes-" + std::to_string(std::random_device{}()));
  core::Log quiet{0};
  exec::LocalRunner host{quiet};
  auto result =
      host.run({{"sh", "-c", fake + script}, {}, {}, std::chrono::seconds(10), {{"log", log.string()}}});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  std::ifstream in(log);
  std::string recorded((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(log);
  CHECK(recorded == "ip route del 10.244.7.0/24 via 192.168.49.9\n"
                    "ip route replace 10.244.1.0/24 via 192.168.49.3\n"
                    "ip route replace 10.244.2.0/24 via 192.168.49.4\n");
}
