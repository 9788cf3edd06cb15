// SPDX-License-Identifier: Apache-2.0
#include "drivers/oci/run_args.hpp"

#include "mk/core/strings.hpp"

#include <fmt/format.h>

namespace mk::drivers::oci {

std::string name_label(std::string_view node) {
  return fmt::format("name.mk={}", node);
}
std::string cluster_label(std::string_view cluster) {
  return fmt::format("cluster.mk={}", cluster);
}

std::string owner_label(std::string_view owner) {
  return fmt::format("{}={}", k_owner_key, owner);
}

std::vector<std::string> object_labels(std::string_view name, std::string_view cluster,
                                       std::string_view owner) {
  return {k_created_by_label, name_label(name), cluster_label(cluster), owner_label(owner)};
}

std::vector<std::string> create_arguments(const Engine& engine, const driver::NodeSpec& spec,
                                          const std::vector<std::string>& labels, Security security,
                                          bool host_has_modules, const std::vector<std::string>& command) {
  std::vector<std::string> args = {"--name", spec.name, "--hostname", spec.name};
  for (const auto& label : labels) {
    args.push_back("--label");
    args.push_back(label);
  }
  // A private cgroup namespace in both modes: with the host's, systemd in the node would reconfigure the
  // host's cgroup mounts.
  args.push_back("--cgroupns=private");
  if (security == Security::privileged) {
    args.push_back("--privileged");
  } else {
    // CAP_SYS_RESOURCE is the one capability such hosts withhold from every container
    args.insert(args.end(), {"--cap-add=ALL", "--cap-drop=SYS_RESOURCE", "--device-cgroup-rule=a *:* rwm"});
    for (const auto& option : engine.unmask_proc)
      args.insert(args.end(), {"--security-opt", option});
  }
  args.insert(args.end(), {"--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined"});
  args.insert(args.end(), {"--tmpfs", "/tmp", "--tmpfs", "/run", "-e", "container=docker"});
  if (host_has_modules) args.insert(args.end(), {"--volume", "/lib/modules:/lib/modules:ro"});
  args.insert(args.end(), {"--volume", spec.name + ":/var"});
  if (!spec.network.empty()) {
    args.insert(args.end(), {"--network", spec.network});
    if (!spec.ip.empty()) args.insert(args.end(), {"--ip", spec.ip});
  }
  if (spec.memory_mb > 0) args.push_back(fmt::format("--memory={}m", spec.memory_mb));
  if (spec.cpus > 0) args.push_back(fmt::format("--cpus={}", spec.cpus));
  for (int port : spec.ports)
    args.push_back(fmt::format("--publish=127.0.0.1::{}", port));
  args.insert(args.end(), engine.node_args.begin(), engine.node_args.end());
  args.push_back(fmt::format("--entrypoint={}", k_guard_path));
  args.push_back(spec.image);
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

bool bounding_set_complete(std::string_view status, std::string_view last_cap) {
  auto position = status.find("CapBnd:");
  if (position == std::string_view::npos) return false;
  auto line = core::trim(status.substr(position + 7, status.find('\n', position) - position - 7));
  unsigned long long bits = std::stoull(std::string(line), nullptr, 16);
  int last = std::stoi(std::string(core::trim(last_cap)));
  unsigned long long full = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
  return (bits & full) == full;
}

std::string_view guard_script() {
  return R"sh(#!/bin/sh
# Installed by mk before the node's first boot. It runs as PID 1 on every start, then execs the image's own
# entrypoint.
# Kernel settings outside /proc/sys/net are not namespaced: written from this node they would change the whole
# host (systemd raises fs.file-max, systemd-sysctl sets fs.protected_*, the kubelet sets vm.overcommit_memory and
# kernel.panic*). They are made read-only for this node. /proc/sys/net belongs to the node's own network namespace
# and stays writable. If the guard cannot be put in place the node does not start.
set -eu
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
mount --bind /proc/sys/net /proc/sys/net
mount -o remount,bind,rw /proc/sys/net
exec "$@"
)sh";
}

} // namespace mk::drivers::oci
