// SPDX-License-Identifier: Apache-2.0
// The node container's arguments. The --privileged path cannot run on this CI host (its kernel refuses it),
// so it is covered here only, as a unit test of the argument list.
#include "drivers/oci/run_args.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace mk;
using drivers::oci::Security;

namespace {
driver::NodeSpec spec() {
  return {"dev", "dev", "mk-local/node:1", "dev", "192.168.58.2", 2, 3072, {22, 8443, 2376, 5000, 32443}, ""};
}
bool has(const std::vector<std::string>& args, const std::string& word) {
  return std::find(args.begin(), args.end(), word) != args.end();
}
bool has_pair(const std::vector<std::string>& args, const std::string& a, const std::string& b) {
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == a && args[i + 1] == b) return true;
  return false;
}
const drivers::oci::Engine k_docker{
    "docker", {"systempaths=unconfined"}, "bridge", "com.docker.network.driver.mtu"};
} // namespace

TEST_CASE("without --privileged the node gets the explicit capability set and a private cgroup namespace",
          "[drivers]") {
  auto args = drivers::oci::create_arguments(k_docker, spec(), {}, Security::explicit_caps, false,
                                             {"/usr/local/bin/entrypoint", "/sbin/init"});
  CHECK_FALSE(has(args, "--privileged"));
  CHECK(has(args, "--cgroupns=private"));
  CHECK(has(args, "--cap-add=ALL"));
  CHECK(has(args, "--cap-drop=SYS_RESOURCE"));
  CHECK(has(args, "--device-cgroup-rule=a *:* rwm"));
  CHECK(has_pair(args, "--security-opt", "seccomp=unconfined"));
  CHECK(has_pair(args, "--security-opt", "apparmor=unconfined"));
  CHECK(has_pair(args, "--security-opt", "systempaths=unconfined"));
  CHECK(has_pair(args, "--tmpfs", "/tmp"));
  CHECK(has_pair(args, "--tmpfs", "/run"));
  CHECK(has_pair(args, "-e", "container=docker"));
  CHECK_FALSE(has(args, "--cgroupns=host"));
  for (const auto& a : args)
    CHECK(a.find("/sys/fs/cgroup") == std::string::npos);
}

TEST_CASE("with --privileged the cgroup namespace stays private (never the host's)", "[drivers]") {
  auto args =
      drivers::oci::create_arguments(k_docker, spec(), {}, Security::privileged, false, {"/sbin/init"});
  CHECK(has(args, "--privileged"));
  CHECK(has(args, "--cgroupns=private"));
  CHECK_FALSE(has(args, "--cap-add=ALL"));
  CHECK_FALSE(has(args, "--cgroupns=host"));
}

TEST_CASE("node containers publish ports on 127.0.0.1 only, with labels, volume, network and limits",
          "[drivers]") {
  auto args = drivers::oci::create_arguments(
      k_docker, spec(), drivers::oci::object_labels("dev", "dev", "0123abcd"), Security::explicit_caps, false,
      {"/usr/local/bin/entrypoint", "/sbin/init"});
  for (int port : {22, 8443, 2376, 5000, 32443})
    CHECK(has(args, "--publish=127.0.0.1::" + std::to_string(port)));
  for (const auto& a : args)
    CHECK(a.find("0.0.0.0") == std::string::npos);
  CHECK(has_pair(args, "--label", "created_by.mk=true"));
  CHECK(has_pair(args, "--label", "name.mk=dev"));
  CHECK(has_pair(args, "--label", "cluster.mk=dev"));
  CHECK(has_pair(args, "--label", "home.mk=0123abcd"));
  CHECK(has_pair(args, "--hostname", "dev"));
  CHECK(has_pair(args, "--volume", "dev:/var"));
  CHECK(has_pair(args, "--network", "dev"));
  CHECK(has_pair(args, "--ip", "192.168.58.2"));
  CHECK(has(args, "--memory=3072m"));
  CHECK(has(args, "--cpus=2"));
  CHECK_FALSE(has_pair(args, "--volume", "/lib/modules:/lib/modules:ro"));
  // the guard is the entrypoint and the image's own entrypoint + cmd follow the image name
  CHECK(has(args, "--entrypoint=/usr/local/bin/mk-node-guard"));
  REQUIRE(args.size() >= 3);
  CHECK(args[args.size() - 3] == "mk-local/node:1");
  CHECK(args[args.size() - 2] == "/usr/local/bin/entrypoint");
  CHECK(args.back() == "/sbin/init");
  auto with_modules = drivers::oci::create_arguments(k_docker, spec(), {}, Security::explicit_caps, true, {});
  CHECK(has_pair(with_modules, "--volume", "/lib/modules:/lib/modules:ro"));
  auto unlimited = spec();
  unlimited.cpus = 0;
  unlimited.memory_mb = 0;
  auto free_args =
      drivers::oci::create_arguments(k_docker, unlimited, {}, Security::explicit_caps, false, {});
  for (const auto& a : free_args)
    CHECK((a.rfind("--memory", 0) != 0 && a.rfind("--cpus", 0) != 0));
}

TEST_CASE("podman uses its own option to unmask /proc", "[drivers]") {
  drivers::oci::Engine podman{"podman", {"unmask=ALL"}, "podman", "mtu"};
  auto args = drivers::oci::create_arguments(podman, spec(), {}, Security::explicit_caps, false, {});
  CHECK(has_pair(args, "--security-opt", "unmask=ALL"));
  CHECK_FALSE(has_pair(args, "--security-opt", "systempaths=unconfined"));
}

TEST_CASE("privileged mode is tried only when the capability bounding set is complete", "[drivers]") {
  CHECK(drivers::oci::bounding_set_complete("Name:\tx\nCapBnd:\t000001ffffffffff\n", "40\n"));
  CHECK_FALSE(
      drivers::oci::bounding_set_complete("CapBnd:\t000001fffeffffff\n", "40\n")); // no CAP_SYS_RESOURCE
  CHECK_FALSE(drivers::oci::bounding_set_complete("nothing here", "40"));
}

TEST_CASE("the guard keeps non-namespaced kernel settings read-only and fails closed", "[drivers]") {
  auto script = std::string(drivers::oci::guard_script());
  CHECK(script.rfind("#!/bin/sh", 0) == 0);
  CHECK(script.find("set -eu") != std::string::npos);
  CHECK(script.find("mount -o remount,bind,ro /proc/sys") != std::string::npos);
  CHECK(script.find("mount -o remount,bind,rw /proc/sys/net") != std::string::npos);
  CHECK(script.find("exec \"$@\"") != std::string::npos);
}
