// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/qemu_driver.hpp"

#include "drivers/qemu/command_line.hpp"
#include "drivers/qemu/process.hpp"
#include "drivers/qemu/qmp.hpp"
#include "drivers/qemu/switch.hpp"
#include "drivers/qemu/vm_image.hpp"
#include "mk/archive/tar.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/hash.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/local_runner.hpp"
#include "mk/net/ipv4.hpp"
#include "mk/ssh/keys.hpp"
#include "mk/ssh/runner.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fmt/format.h>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace mk::drivers::qemu {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* k_state_file = "qemu.json";
constexpr const char* k_disk = "disk.qcow2";
constexpr const char* k_preload_disk = "preload.img";
constexpr const char* k_pidfile = "qemu.pid";
constexpr const char* k_qmp = "qmp.sock";
constexpr const char* k_console = "console.log";
constexpr const char* k_authorized_keys = "authorized_keys";
constexpr const char* k_control_socket = "ssh.ctl";
constexpr const char* k_node_data = "node-data";
constexpr const char* k_forwards =
    "forwards"; // "<guest port> <host port>" lines of the running VM's forwards
constexpr const char* k_network_file = "network";    // the second NIC's systemd.network file (through fw_cfg)
constexpr const char* k_guest_address = "10.0.2.15"; // user-mode networking's address for the guest
constexpr const char* k_recorded_prefix = "/var/lib/mk/"; // what mk writes there is mirrored on the host
constexpr int k_default_memory_mb = 2048;
constexpr const char* k_default_node_subnet = "192.168.39.0/24"; // on the switch only: never on the host
constexpr int k_default_disk_mb = 20000;
constexpr auto k_stop_timeout = 120s;

// What a node was created with and how it was last booted.
struct NodeState {
  std::string image;
  std::string uuid;
  std::string mac;
  int cpus = 2;
  int memory_mb = k_default_memory_mb;
  bool cgroup_v1 = false;
  std::vector<int> guest_ports;
  std::map<int, int> forwards; // guest port -> host port of the last boot
  std::string accelerator;
  bool booted = false;
  std::string network; // the cluster network whose switch the second NIC joins, or empty
  std::string ip;      // the second NIC's address on it
};

void to_json(nlohmann::json& j, const NodeState& s) {
  nlohmann::json forwards = nlohmann::json::object();
  for (const auto& [guest, host] : s.forwards)
    forwards[std::to_string(guest)] = host;
  j = {{"image", s.image},
       {"uuid", s.uuid},
       {"mac", s.mac},
       {"cpus", s.cpus},
       {"memory_mb", s.memory_mb},
       {"cgroup_v1", s.cgroup_v1},
       {"guest_ports", s.guest_ports},
       {"forwards", forwards},
       {"accelerator", s.accelerator},
       {"booted", s.booted},
       {"network", s.network},
       {"ip", s.ip}};
}

Result<NodeState> load_state(const fs::path& dir) {
  auto text = MK_TRY(core::read_file(dir / k_state_file));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object())
    return fail(ErrorCode::failure, fmt::format("{} is damaged", (dir / k_state_file).string()));
  NodeState s;
  s.image = j.value("image", "");
  s.uuid = j.value("uuid", "");
  s.mac = j.value("mac", "");
  s.cpus = j.value("cpus", 2);
  s.memory_mb = j.value("memory_mb", k_default_memory_mb);
  s.cgroup_v1 = j.value("cgroup_v1", false);
  s.guest_ports = j.value("guest_ports", std::vector<int>{22});
  auto forwards = j.value("forwards", nlohmann::json::object());
  for (const auto& [guest, host] : forwards.items())
    s.forwards[std::stoi(guest)] = host.get<int>();
  s.accelerator = j.value("accelerator", "");
  s.booted = j.value("booted", false);
  s.network = j.value("network", "");
  s.ip = j.value("ip", "");
  return s;
}

Status save_state(const fs::path& dir, const NodeState& state) {
  return core::write_file_atomic(dir / k_state_file, nlohmann::json(state).dump(2) + "\n", 0600);
}

std::string new_uuid() {
  std::ifstream in("/proc/sys/kernel/random/uuid");
  std::string uuid;
  std::getline(in, uuid);
  return uuid;
}

// A locally administered MAC in qemu's range, stable for a node name.
std::string mac_for(std::string_view node) {
  auto hash = core::sha256_hex(node);
  return fmt::format("52:54:00:{}:{}:{}", hash.substr(0, 2), hash.substr(2, 2), hash.substr(4, 2));
}

// A TCP port on 127.0.0.1 that is free now (qemu fails loudly if it is taken by the time it binds).
Result<int> free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::failure, "cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  if (port <= 0) return fail(ErrorCode::failure, "cannot find a free port on 127.0.0.1");
  return port;
}

// Everything the driver keeps of a node beside its SSH key (which `mk ssh` and the start steps share).
constexpr std::initializer_list<const char*> k_node_files = {
    k_disk, k_preload_disk, k_state_file, k_console, k_authorized_keys, k_node_data, k_network_file};

// The MAC of a node's NIC on its cluster's switch (the network file matches it).
std::string switch_mac_for(std::string_view node) {
  return mac_for(std::string(node) + "/switch");
}

// Removes `names` from `dir`, quietly.
void remove_files(const fs::path& dir, std::initializer_list<const char*> names) {
  std::error_code ec;
  for (const char* name : names)
    fs::remove_all(dir / name, ec);
}

// Mirrors on the host what mk writes under /var/lib/mk in the node (see QemuDriver), so that it can be read
// while the VM is off.
class RecordingRunner final : public exec::Runner {
public:
  RecordingRunner(std::unique_ptr<exec::Runner> inner, fs::path record)
      : m_inner(std::move(inner)), m_record(std::move(record)) {}
  Result<exec::RunResult> run(const exec::Command& command) override { return m_inner->run(command); }
  Status write_file(const std::string& path, std::string_view content, int mode) override {
    MK_TRY(m_inner->write_file(path, content, mode));
    if (path.starts_with(k_recorded_prefix)) {
      auto copy = m_record / path.substr(1);
      MK_TRY(core::ensure_directory(copy.parent_path(), 0700));
      MK_TRY(core::write_file_atomic(copy, content, 0600));
    }
    return {};
  }
  Status copy_file(const fs::path& source, const std::string& path, int mode) override {
    return m_inner->copy_file(source, path, mode);
  }
  std::string where() const override { return m_inner->where(); }

private:
  std::unique_ptr<exec::Runner> m_inner;
  fs::path m_record;
};

} // namespace

QemuDriver::QemuDriver(exec::Runner& host, const core::Log& log, const core::Paths& paths, HostFacts facts)
    : m_host(host), m_log(log), m_paths(paths), m_accelerator(choose_accelerator(facts)) {}

Status QemuDriver::check_available() {
  for (const char* program : {"qemu-system-x86_64", "qemu-img"})
    if (exec::find_program(program).empty())
      return fail(Error{ErrorCode::driver_unavailable,
                        fmt::format("the qemu driver needs {}, which is not installed", program),
                        {},
                        {},
                        "install qemu (Debian: apt-get install --no-install-recommends qemu-system-x86 "
                        "qemu-utils)"});
  return {};
}

std::string QemuDriver::caveat() const {
  if (m_accelerator.kvm()) return {};
  return fmt::format(
      "no usable KVM ({}): the VM runs under TCG software emulation, about 5 times slower than "
      "a container node (3 to 5 minutes to a Ready Kubernetes node); --driver=docker or "
      "--driver=podman is much faster where one is installed",
      m_accelerator.reason);
}

Status QemuDriver::ensure_image(std::string_view image, const driver::ProgressFn& progress) {
  MK_TRY(qemu::ensure_image(m_paths, image, progress));
  return {};
}

Result<driver::Network> QemuDriver::ensure_network(const driver::NetworkRequest& request) {
  // Every VM reaches the host and the outside through its own user-mode network (10.0.2.0/24 behind qemu).
  // Nodes reach each other on the cluster's switch, where one runs (vde2 installed): a subnet of their own
  // that exists nowhere on the host.
  auto subnet = request.subnet.empty() ? std::string(k_default_node_subnet) : request.subnet;
  auto cidr = MK_TRY(net::parse_cidr(subnet));
  if (!switch_available()) return driver::Network{request.name, subnet, cidr.first_host().to_string(), false};
  bool started = MK_TRY(ensure_switch(m_host, m_paths.networks_dir() / request.name));
  return driver::Network{request.name, subnet, cidr.first_host().to_string(), started};
}

Status QemuDriver::remove_network(std::string_view name) {
  if (name.empty()) return {};
  return remove_switch(m_paths.networks_dir() / name);
}

std::optional<fs::path> QemuDriver::image_cache_file(std::string_view image) const {
  return cached_archive(m_paths, image);
}

Status QemuDriver::save_image(std::string_view image, const fs::path& path) {
  return save_archive(m_paths, image, path);
}

Status QemuDriver::load_image(const fs::path& path) {
  return load_archive(m_paths, path);
}

std::optional<int> QemuDriver::running_pid(std::string_view node) const {
  // a recycled pid is not our machine: its command line names this node's monitor socket
  return recorded_process(dir(node) / k_pidfile, (dir(node) / k_qmp).string());
}

Status QemuDriver::launch(std::string_view node, const std::string& accelerator) {
  auto d = dir(node);
  auto state = MK_TRY(load_state(d));
  auto image = MK_TRY(qemu::ensure_image(m_paths, state.image, {}));
  // the preload disk serves the first boot only (the node extracts it into its /var then)
  if (state.booted) remove_files(d, {k_preload_disk});
  Machine machine;
  machine.name = std::string(node);
  machine.uuid = state.uuid;
  machine.accelerator = accelerator;
  machine.cpus = state.cpus;
  machine.memory_mb = state.memory_mb;
  machine.kernel = image.kernel;
  machine.initrd = image.initrd;
  machine.disk = d / k_disk;
  if (fs::exists(d / k_preload_disk)) machine.readonly_disks.push_back(d / k_preload_disk);
  machine.cgroup_v1 = state.cgroup_v1;
  machine.mac = state.mac;
  if (!state.network.empty()) {
    auto network = m_paths.networks_dir() / state.network;
    MK_TRY(ensure_switch(m_host, network)); // not running after a reboot of the host
    machine.switch_socket = switch_socket(network);
    machine.switch_mac = switch_mac_for(node);
    machine.fw_cfg["opt/mk/network"] = d / k_network_file;
  }
  machine.fw_cfg["opt/mk/authorized_keys"] = d / k_authorized_keys;
  machine.console = d / k_console;
  machine.qmp_socket = d / k_qmp;
  machine.pidfile = d / k_pidfile;
  state.forwards.clear();
  for (int port : state.guest_ports)
    state.forwards[port] = MK_TRY(free_loopback_port());
  machine.forwards = state.forwards;
  remove_files(d, {k_pidfile, k_qmp, k_console, k_control_socket, k_forwards});
  auto argv = qemu_argv(machine);
  auto result = MK_TRY(m_host.run({argv, {}, {}, 60s, {}}));
  if (!result.ok()) {
    auto console = core::last_lines(core::read_file(d / k_console).value_or(""), 20);
    return fail(exec::command_error(
        result,
        fmt::format("qemu could not start node {}{}", node,
                    console.empty() ? std::string() : "; its console:\n" + core::indent(console, "  ")),
        ErrorCode::driver_failed));
  }
  state.accelerator = accelerator;
  state.booted = true;
  return save_state(d, state);
}

Status QemuDriver::start_node(std::string_view node) {
  if (running_pid(node)) return {};
  MK_TRY(launch(node, m_accelerator.name));
  if (!m_accelerator.kvm()) return {};
  // A KVM that cannot run this kernel hangs before the console prints anything: fall back to TCG.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (fs::file_size(dir(node) / k_console, ec) > 0 || !running_pid(node)) return {};
    std::this_thread::sleep_for(200ms);
  }
  m_log.write(1, fmt::format("node {}: nothing on the console 10 s into a KVM boot; booting with TCG", node));
  MK_TRY(kill_machine(node));
  m_accelerator = {"tcg", "a KVM boot printed nothing within 10 s"};
  return launch(node, "tcg");
}

Status QemuDriver::kill_machine(std::string_view node) {
  auto d = dir(node);
  if (auto pid = running_pid(node)) {
    ssh::close_shared_connection(m_host, {0, d / "id_rsa", d / k_control_socket});
    (void)qmp_execute(d / k_qmp, "quit", 2s);
    for (int i = 0; i < 50 && process_alive(*pid); ++i)
      std::this_thread::sleep_for(100ms);
    if (process_alive(*pid)) ::kill(*pid, SIGKILL);
    for (int i = 0; i < 50 && process_alive(*pid); ++i)
      std::this_thread::sleep_for(100ms);
    if (process_alive(*pid))
      return fail(ErrorCode::driver_failed,
                  fmt::format("qemu (pid {}) of node {} does not exit", *pid, node));
  }
  remove_files(d, {k_pidfile, k_qmp, k_control_socket, k_forwards});
  return {};
}

Status QemuDriver::stop_node(std::string_view node) {
  auto d = dir(node);
  auto pid = running_pid(node);
  if (!pid) {
    remove_files(d, {k_pidfile, k_qmp, k_control_socket, k_forwards});
    return {};
  }
  ssh::close_shared_connection(m_host, {0, d / "id_rsa", d / k_control_socket});
  // the ACPI power button: systemd in the node shuts down cleanly and qemu exits (-no-reboot)
  if (qmp_execute(d / k_qmp, "system_powerdown")) {
    auto deadline = std::chrono::steady_clock::now() + k_stop_timeout;
    while (process_alive(*pid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(100ms);
  }
  if (process_alive(*pid))
    m_log.write(1, fmt::format("node {} did not power down within {} s: stopping qemu", node,
                               k_stop_timeout.count()));
  return kill_machine(node);
}

Result<bool> QemuDriver::create_node(const driver::NodeSpec& spec) {
  auto d = dir(spec.name);
  MK_TRY(core::ensure_directory(d, 0700));
  auto image = MK_TRY(qemu::ensure_image(m_paths, spec.image, {}));
  bool reused = fs::exists(d / k_disk) && fs::exists(d / k_state_file) && spec.reuse_data;
  auto cleanup = [&](Error error) -> Result<bool> {
    (void)kill_machine(spec.name);
    if (!reused) remove_files(d, k_node_files);
    return fail(std::move(error));
  };
  if (!reused) {
    remove_files(d, k_node_files); // an unfinished earlier run's
    auto public_key = ssh::ensure_key_pair(d / "id_rsa", fmt::format("mk@{}", spec.name));
    if (!public_key) return cleanup(std::move(public_key).error());
    if (auto written = core::write_file_atomic(d / k_authorized_keys, *public_key + "\n", 0600); !written)
      return cleanup(std::move(written).error());
    int disk_mb = spec.disk_mb > 0 ? spec.disk_mb : k_default_disk_mb;
    auto created = exec::run_checked(
        m_host,
        {{"qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
          fs::absolute(image.base_disk).string(), (d / k_disk).string(), fmt::format("{}M", disk_mb)},
         {},
         {},
         60s,
         {}},
        ErrorCode::driver_failed);
    if (!created) return cleanup(std::move(created).error());
    if (!spec.preload.empty() || !spec.seed_files.empty()) {
      // a read-only disk holding the preload (or a tarball of the seed files), unpacked into /var by the node
      // on its first boot
      auto seed = d / "preload-seed";
      auto tarball = seed / "preload.tar.lz4";
      std::error_code ec;
      fs::remove_all(seed, ec);
      fs::create_directories(seed, ec);
      if (!spec.preload.empty()) {
        fs::create_hard_link(spec.preload, tarball, ec);
        if (ec) fs::copy_file(spec.preload, tarball, ec);
      } else {
        std::vector<archive::TarFile> files;
        for (const auto& [source, path] : spec.seed_files)
          files.push_back({path, {}, source, 0755});
        if (auto written = archive::write_tar_file(tarball, files, true); !written)
          return cleanup(std::move(written).error());
      }
      auto size_kb = fs::file_size(tarball, ec) / 1024 * 21 / 20 + 32 * 1024;
      auto made = exec::run_checked(m_host,
                                    {{"mkfs.ext4", "-q", "-F", "-L", "mk-preload", "-d", seed.string(),
                                      (d / k_preload_disk).string(), fmt::format("{}k", size_kb)},
                                     {},
                                     {},
                                     120s,
                                     {}},
                                    ErrorCode::driver_failed);
      fs::remove_all(seed, ec);
      if (!made) return cleanup(std::move(made).error().wrap("cannot make the preload disk"));
    }
    NodeState state;
    state.image = spec.image;
    state.uuid = new_uuid();
    state.mac = mac_for(spec.name);
    state.cpus = spec.cpus > 0 ? spec.cpus : 2;
    state.memory_mb = spec.memory_mb > 0 ? spec.memory_mb : k_default_memory_mb;
    state.cgroup_v1 = spec.cgroup_v1;
    state.guest_ports = spec.ports.empty() ? std::vector<int>{22} : spec.ports;
    auto network = m_paths.networks_dir() / spec.network;
    if (!spec.network.empty() && !spec.ip.empty() && fs::exists(switch_socket(network))) {
      auto cidr = net::parse_cidr(spec.network_subnet);
      auto prefix = cidr ? cidr->prefix : 24;
      auto file = fmt::format("# Written by mk: node {}'s address on its cluster's network\n[Match]\n"
                              "MACAddress={}\n\n[Network]\nAddress={}/{}\nLinkLocalAddressing=no\n"
                              "IPv6AcceptRA=no\n",
                              spec.name, switch_mac_for(spec.name), spec.ip, prefix);
      if (auto written = core::write_file_atomic(d / k_network_file, file, 0600); !written)
        return cleanup(std::move(written).error());
      state.network = spec.network;
      state.ip = spec.ip;
    }
    if (auto saved = save_state(d, state); !saved) return cleanup(std::move(saved).error());
  }
  if (auto started = start_node(spec.name); !started) return cleanup(std::move(started).error());
  return reused;
}

Status QemuDriver::remove_node(std::string_view node, bool keep_data) {
  auto d = dir(node);
  if (!fs::exists(d / k_state_file) && !running_pid(node)) return {};
  MK_TRY(kill_machine(node));
  if (!keep_data) remove_files(d, k_node_files);
  return {};
}

Result<std::optional<std::string>> QemuDriver::read_node_data(std::string_view node, std::string_view,
                                                              const std::string& path) {
  auto info = MK_TRY(inspect_node(node));
  if (info.state == driver::State::running) {
    auto runner = node_runner(node);
    auto result = MK_TRY(runner->run({{"cat", "--", path}, {}, {}, 30s, {}}));
    if (result.ok()) return std::optional<std::string>(result.out);
    return std::optional<std::string>();
  }
  // off: what mk recorded (only paths under /var/lib/mk are)
  auto copy = core::read_file(dir(node) / k_node_data / path.substr(path.starts_with('/') ? 1 : 0));
  if (!copy) return std::optional<std::string>();
  return std::optional<std::string>(*copy);
}

Result<driver::NodeInfo> QemuDriver::inspect_node(std::string_view node) {
  auto d = dir(node);
  driver::NodeInfo info;
  if (!fs::exists(d / k_state_file)) return info;
  auto state = MK_TRY(load_state(d));
  // on the cluster's network where it has one; else its user-mode address
  info.ip = state.ip.empty() ? k_guest_address : state.ip;
  auto pid = running_pid(node);
  if (!pid) {
    info.state = driver::State::stopped;
    return info;
  }
  auto status = qmp_execute(d / k_qmp, "query-status", 2s);
  if (!status) {
    info.state = driver::State::starting; // alive, its monitor not answering yet
    return info;
  }
  auto word = status->value("status", "");
  info.state = word == "running"                             ? driver::State::running
               : word == "paused"                            ? driver::State::paused
               : word == "shutdown" || word == "postmigrate" ? driver::State::stopped
               : word == "prelaunch" || word == "inmigrate"  ? driver::State::starting
                                                             : driver::State::error;
  if (info.state == driver::State::running || info.state == driver::State::paused)
    info.ports = state.forwards;
  return info;
}

std::string QemuDriver::node_logs(std::string_view node, int lines) {
  return core::last_lines(core::read_file(dir(node) / k_console).value_or(""), static_cast<size_t>(lines));
}

std::unique_ptr<exec::Runner> QemuDriver::node_runner(std::string_view node) {
  auto d = dir(node);
  auto state = load_state(d);
  int port = 0;
  if (state)
    if (auto it = state->forwards.find(22); it != state->forwards.end()) port = it->second;
  auto control = d / k_control_socket;
  // ssh adds a random suffix to the socket's name while it sets it up; unix socket paths are short
  if (control.string().size() > 80) control.clear();
  return std::make_unique<RecordingRunner>(
      std::make_unique<ssh::SshRunner>(m_host, ssh::Endpoint{port, d / "id_rsa", control}, std::string(node)),
      d / k_node_data);
}

Result<std::optional<int>> QemuDriver::loopback_forward(std::string_view node, int port) {
  auto d = dir(node);
  if (!running_pid(node)) return fail(ErrorCode::node_failed, fmt::format("node {} is not running", node));
  std::ifstream recorded(d / k_forwards);
  for (int guest = 0, host = 0; recorded >> guest >> host;)
    if (guest == port) return std::optional<int>(host);
  auto host = MK_TRY(free_loopback_port());
  auto command = fmt::format("hostfwd_add net0 tcp:127.0.0.1:{}-:{}", host, port);
  // the human monitor answers with an empty string, or with the reason it refused
  auto answer = MK_TRY(qmp_execute(d / k_qmp, "human-monitor-command", 3s, {{"command-line", command}}));
  if (answer.is_string() && !core::trim(answer.get<std::string>()).empty())
    return fail(ErrorCode::driver_failed,
                fmt::format("qemu refused {}: {}", command, core::trim(answer.get<std::string>())));
  std::ofstream(d / k_forwards, std::ios::app) << port << ' ' << host << '\n';
  return std::optional<int>(host);
}

Status QemuDriver::remove_everything_created() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_paths.machines_dir(), ec))
    if (fs::exists(entry.path() / k_state_file)) MK_TRY(remove_node(entry.path().filename().string()));
  for (const auto& entry : fs::directory_iterator(m_paths.networks_dir(), ec))
    MK_TRY(remove_switch(entry.path()));
  return {};
}

} // namespace mk::drivers::qemu
