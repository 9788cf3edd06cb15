// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/core/log.hpp"
#include "mk/core/paths.hpp"
#include "mk/exec/runner.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mk::driver {

// The state of a node as its driver sees it.
enum class State { nonexistent, stopped, starting, running, paused, error };
std::string_view to_string(State state); // "Nonexistent", "Stopped", ... (as `mk status` prints them)

// The network a cluster's nodes share.
struct NetworkRequest {
  std::string name;
  std::string subnet;  // a CIDR to use, or empty: the first free private /24 (see net::SubnetSearch)
  std::string cluster; // for labels
};
struct Network {
  std::string name;
  std::string subnet;
  std::string gateway;
  bool created = false; // true when this call created it (so a failed start removes it)
};

// Everything needed to create one node.
struct NodeSpec {
  std::string cluster; // profile name
  std::string name;    // container name and hostname
  std::string image;
  std::string network;
  std::string ip;         // fixed address on `network`
  int cpus = 0;           // 0: no limit
  int memory_mb = 0;      // 0: no limit
  std::vector<int> ports; // container ports published on 127.0.0.1 with engine-chosen host ports
  std::string
      preload; // a host tarball (tar.lz4) extracted into the node's /var before its first boot, or empty
  // The node belongs to an existing profile: a /var left by its removed container is its data and is reused.
  // Otherwise a /var of this MK_HOME is a leftover of a run that never completed and is replaced.
  bool reuse_data = false;
  int disk_mb = 0;              // VM nodes: the size of the node's disk (0: the driver's default)
  bool cgroup_v1 = false;       // VM nodes: boot with cgroup v1 (a kubelet older than 1.25 needs it)
  std::string network_subnet{}; // the CIDR of `network` (where `ip` lives)
  // Without a preload: files of the host to put under the node's /var before its first boot ({host file,
  // path relative to /var}), e.g. the Kubernetes binaries. A VM driver brings them on its first-boot disk
  // (much faster than copying over SSH); a container driver may leave them to the copy that follows.
  std::vector<std::pair<std::filesystem::path, std::string>> seed_files{};
};

// A node as inspected now.
struct NodeInfo {
  State state = State::nonexistent;
  std::string ip;
  std::map<int, int> ports; // container port -> host port; empty unless running
};

// Reports progress of a long operation (an image pull): one human-readable line.
using ProgressFn = std::function<void(std::string_view)>;

// A way to create nodes: a container engine (docker, podman) or, later, a VM. Every method is idempotent
// where it says so and removes what it created itself when it fails halfway.
class Driver {
public:
  virtual ~Driver() = default;
  virtual std::string_view name() const = 0;
  // The engine answers and can run nodes; driver_unavailable with advice otherwise.
  virtual Status check_available() = 0;
  // Makes `image` available locally (pulls it when missing).
  virtual Status ensure_image(std::string_view image, const ProgressFn& progress) = 0;
  // Returns the network, creating it when missing.
  virtual Result<Network> ensure_network(const NetworkRequest& request) = 0;
  // Writes `image` (present locally) to the archive `path` / loads such an archive (for moving a cache
  // offline).
  virtual Status save_image(std::string_view image, const std::filesystem::path& path) = 0;
  virtual Status load_image(const std::filesystem::path& path) = 0;
  // Removes the network when no container uses it any more; fine when it does not exist.
  virtual Status remove_network(std::string_view name) = 0;
  // Creates and starts the node (container + its persistent /var). A /var that survived its container (made
  // by this MK_HOME) is reused, and then no preload is extracted; returns whether it was reused. A name taken
  // by anything else (not mk's, or another MK_HOME's) is a conflict. On failure nothing this call made is
  // left.
  virtual Result<bool> create_node(const NodeSpec& spec) = 0;
  virtual Status start_node(std::string_view node) = 0;
  // Shuts the node down cleanly (its init system stops the services); fine when already stopped.
  virtual Status stop_node(std::string_view node) = 0;
  // Removes the node's container and, unless `keep_data`, its volume; fine when they do not exist. Objects
  // another MK_HOME created are left alone.
  virtual Status remove_node(std::string_view node, bool keep_data = false) = 0;
  // The content of `path` (under /var, which outlives the container) in the node's persistent data, whether
  // the node runs, is stopped or only its data is left (then read with `image`); nullopt when the file or the
  // data does not exist.
  virtual Result<std::optional<std::string>> read_node_data(std::string_view node, std::string_view image,
                                                            const std::string& path) = 0;
  virtual Result<NodeInfo> inspect_node(std::string_view node) = 0;
  // The last lines the node printed (its console), for error messages.
  virtual std::string node_logs(std::string_view node, int lines) = 0;
  // A runner executing commands inside the running node.
  virtual std::unique_ptr<exec::Runner> node_runner(std::string_view node) = 0;
  // The address at which the node reaches the host's loopback interface (a VM's user-mode network gateway),
  // or empty when it cannot: then a registry or mirror on 127.0.0.1 is out of the node's reach.
  virtual std::string host_loopback_alias() const { return {}; }
  // The file in mk's cache that holds `image` when the driver keeps its node images there (a VM node image)
  // rather than in an engine; it is then cached, exported and imported like any other cache file.
  virtual std::optional<std::filesystem::path> image_cache_file(std::string_view) const { return {}; }
  // A port on 127.0.0.1 that reaches TCP `port` of the running node, made now when needed, for nodes whose
  // own address the host cannot reach (a VM on user-mode networking); nullopt when the node's IP is
  // reachable.
  virtual Result<std::optional<int>> loopback_forward(std::string_view /*node*/, int /*port*/) {
    return std::optional<int>{};
  }
  // Whether nodes share the host's kernel (containers) rather than running their own (VMs).
  virtual bool shares_host_kernel() const { return true; }
  // Why the driver cannot make clusters of several nodes, or empty when it can.
  virtual std::string multi_node_refusal() const { return {}; }
  // What a user should know before nodes are made with this driver (a slow accelerator), or empty.
  virtual std::string caveat() const { return {}; }
  // Removes every container, volume and network this MK_HOME created on this engine, whatever its profile
  // (`mk delete --all`).
  virtual Status remove_everything_created() = 0;
};

// Whether the driver `name` makes nodes as virtual machines (their node image is a VM node image, see
// drivers/qemu/vm_image.hpp, instead of a container image).
bool is_vm_driver(std::string_view name);

// How a driver is offered to users: one row of the table in drivers/registry.cpp.
struct DriverInfo {
  std::string_view name;
  std::string_view description;
  int priority; // higher is preferred by auto-detection
  // Whether the driver's tooling is installed (cheap; no engine round trip).
  bool (*installed)();
  // `paths`: the MK_HOME the driver works for (its owner_id labels what an engine driver creates; a VM driver
  // keeps its machines under machines/ and its images under cache/).
  std::unique_ptr<Driver> (*make)(exec::Runner& host, const core::Log& log, const core::Paths& paths);
};

} // namespace mk::driver
