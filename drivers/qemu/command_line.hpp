// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mk::drivers::qemu {

// Everything one boot of a VM node is made of.
struct Machine {
  std::string name; // hostname
  std::string uuid; // becomes the node's machine-id
  std::string accelerator = "tcg";
  int cpus = 2;
  int memory_mb = 2048;
  std::filesystem::path kernel, initrd, disk;        // disk: the node's qcow2 overlay
  std::vector<std::filesystem::path> readonly_disks; // raw images attached read-only after the disk
  bool cgroup_v1 = false;
  std::map<int, int> forwards; // guest TCP port -> host port, bound to 127.0.0.1 only
  std::string mac;
  // a second NIC on the cluster's switch (vde), when not empty
  std::filesystem::path switch_socket;
  std::string switch_mac;
  std::map<std::string, std::filesystem::path> fw_cfg; // item name (opt/mk/...) -> host file
  std::filesystem::path console, qmp_socket, pidfile;
};

// The kernel command line of `machine`: the root disk, the serial console, the hostname, a panic that ends
// qemu (with -no-reboot) instead of hanging, cgroup v1 when asked for.
std::string kernel_command_line(const Machine& machine);

// qemu-system-x86_64's argv for `machine`: direct kernel boot, no firmware devices or user config, the
// console to a file, QMP on a unix socket, a pidfile, daemonized. Under TCG: multi-threaded with a capped
// translation cache and a CPU model without AVX (emulated AVX is slower than the plain paths); under KVM
// the host's CPU.
std::vector<std::string> qemu_argv(const Machine& machine);

} // namespace mk::drivers::qemu
