// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

namespace mk::drivers::oci {

// What differs between container engines that speak the docker CLI.
struct Engine {
  std::string binary; // "docker", "podman"
  std::vector<std::string>
      unmask_proc; // makes /proc/sys writable: docker "systempaths=unconfined", podman "unmask=ALL"
  std::string default_network; // the network containers join by default: "bridge", "podman"
  std::string mtu_option;      // a bridge network's MTU option: "com.docker.network.driver.mtu", "mtu"
  // Extra arguments for node containers on this host: podman's --systemd=false (its systemd mode mounts the
  // host's cgroup root read-write on a cgroup v1 host; mk's guard does the safe remount itself), then the
  // --ulimit pair its preflight chose.
  std::vector<std::string> node_args = {};
  // Rootful podman asks the runtime for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576, which needs
  // CAP_SYS_RESOURCE; where the host withholds it, mk passes limits within its own, probed before it creates
  // anything. Rootless engines of this kind are refused.
  bool raises_rlimits = false;
  std::string import_from = {}; // an engine whose local images this one loads when it lacks them ("docker")
  // why clusters of several nodes are refused on this engine (empty: they are not)
  std::string multi_node_refusal = {};
};

// How a node container gets the rights systemd and a container runtime need.
enum class Security {
  privileged,    // --privileged (refused by hosts whose capability bounding set is incomplete)
  explicit_caps, // the explicit set that works without --privileged (never with --cgroupns=host)
};

// Labels every object mk creates carries.
inline constexpr const char* k_created_by_label = "created_by.mk=true";
std::string name_label(std::string_view node);       // "name.mk=<node>"
std::string cluster_label(std::string_view cluster); // "cluster.mk=<cluster>"
std::string owner_label(std::string_view owner);     // "home.mk=<MK_HOME id>"
inline constexpr const char* k_owner_key = "home.mk";
// All labels of an object named `name` of `cluster`, created from the MK_HOME `owner`.
std::vector<std::string> object_labels(std::string_view name, std::string_view cluster,
                                       std::string_view owner);

// Where the guard that mk installs before a node's first boot lives in the node (it becomes PID 1 and execs
// the image's own entrypoint).
inline constexpr const char* k_guard_path = "/usr/local/bin/mk-node-guard";

// The `create` arguments (after "<binary> create") for a node: `command` is the image's entrypoint + cmd, run
// by the guard. `host_has_modules`: bind /lib/modules read-only (only when the host has it).
// `labels` are "key=value" strings.
std::vector<std::string> create_arguments(const Engine& engine, const driver::NodeSpec& spec,
                                          const std::vector<std::string>& labels, Security security,
                                          bool host_has_modules, const std::vector<std::string>& command);

// Whether this process's capability bounding set is complete (then --privileged can work on a local engine).
// `status` is the text of /proc/self/status, `last_cap` the content of /proc/sys/kernel/cap_last_cap.
bool bounding_set_complete(std::string_view status, std::string_view last_cap);

// The guard script installed as k_guard_path.
std::string_view guard_script();

} // namespace mk::drivers::oci
