// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/command_line.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace mk::drivers::qemu;

namespace {
Machine sample() {
  Machine m;
  m.name = "vm1";
  m.uuid = "742938b3-4563-4b5e-9c1e-0f2b8d4a6912";
  m.cpus = 2;
  m.memory_mb = 3072;
  m.kernel = "/home/u/.mk/cache/vm/img/vmlinuz";
  m.initrd = "/home/u/.mk/cache/vm/img/initrd.img";
  m.disk = "/home/u/.mk/machines/vm1/disk.qcow2";
  m.forwards = {{22, 40022}, {8443, 40443}};
  m.mac = "52:54:00:aa:bb:cc";
  m.fw_cfg["opt/mk/authorized_keys"] = "/home/u/.mk/machines/vm1/authorized_keys";
  m.console = "/home/u/.mk/machines/vm1/console.log";
  m.qmp_socket = "/home/u/.mk/machines/vm1/qmp.sock";
  m.pidfile = "/home/u/.mk/machines/vm1/qemu.pid";
  return m;
}

// The value after the first occurrence of `option`.
std::string after(const std::vector<std::string>& argv, const std::string& option) {
  auto it = std::find(argv.begin(), argv.end(), option);
  return it == argv.end() || it + 1 == argv.end() ? std::string("<absent>") : *(it + 1);
}

bool has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}
} // namespace

TEST_CASE("a TCG node: multi-threaded, capped translation cache, no emulated AVX, direct kernel boot",
          "[qemu]") {
  auto argv = qemu_argv(sample());
  CHECK(argv.front() == "qemu-system-x86_64");
  CHECK(after(argv, "-accel") == "tcg,thread=multi,tb-size=256");
  CHECK(after(argv, "-cpu") == "qemu64");
  CHECK(after(argv, "-smp") == "2");
  CHECK(after(argv, "-m") == "3072");
  CHECK(after(argv, "-uuid") == "742938b3-4563-4b5e-9c1e-0f2b8d4a6912");
  CHECK(after(argv, "-kernel") == "/home/u/.mk/cache/vm/img/vmlinuz");
  CHECK(after(argv, "-initrd") == "/home/u/.mk/cache/vm/img/initrd.img");
  CHECK(has(argv, "-nodefaults"));
  CHECK(has(argv, "-no-user-config"));
  CHECK(has(argv, "-no-reboot")); // with panic=1: a guest that cannot boot ends qemu
  CHECK(has(argv, "-daemonize"));
  CHECK(after(argv, "-pidfile") == "/home/u/.mk/machines/vm1/qemu.pid");
  CHECK(after(argv, "-serial") == "file:/home/u/.mk/machines/vm1/console.log");
  CHECK(after(argv, "-qmp") == "unix:/home/u/.mk/machines/vm1/qmp.sock,server=on,wait=off");
  CHECK(after(argv, "-drive") ==
        "file=/home/u/.mk/machines/vm1/disk.qcow2,if=virtio,format=qcow2,discard=unmap");
  CHECK(after(argv, "-fw_cfg") ==
        "name=opt/mk/authorized_keys,file=/home/u/.mk/machines/vm1/authorized_keys");
  CHECK(after(argv, "-device") == "virtio-rng-pci");
}

TEST_CASE("forwards listen on 127.0.0.1 only (a hostfwd without an address listens everywhere)", "[qemu]") {
  auto argv = qemu_argv(sample());
  auto netdev = after(argv, "-netdev");
  CHECK(netdev == "user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22,hostfwd=tcp:127.0.0.1:40443-:8443");
  CHECK(netdev.find("tcp::") == std::string::npos);
  CHECK(has(argv, "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,romfile="));
}

TEST_CASE("the kernel command line names the host, panics out and picks cgroup v1 on request", "[qemu]") {
  auto machine = sample();
  auto line = kernel_command_line(machine);
  CHECK(line.find("root=/dev/vda") != std::string::npos);
  CHECK(line.find("console=ttyS0") != std::string::npos);
  CHECK(line.find("panic=1") != std::string::npos);
  CHECK(line.find("systemd.hostname=vm1") != std::string::npos);
  CHECK(line.find("systemd.unified_cgroup_hierarchy=0") == std::string::npos);
  machine.cgroup_v1 = true;
  CHECK(kernel_command_line(machine).find("systemd.unified_cgroup_hierarchy=0") != std::string::npos);
  CHECK(after(qemu_argv(machine), "-append") == kernel_command_line(machine));
}

TEST_CASE("KVM uses the host CPU - read-only disks follow the root disk - commas in paths are doubled",
          "[qemu]") {
  auto machine = sample();
  machine.accelerator = "kvm";
  machine.readonly_disks = {"/data/a,b/preload.img"};
  auto argv = qemu_argv(machine);
  CHECK(after(argv, "-accel") == "kvm");
  CHECK(after(argv, "-cpu") == "host");
  std::vector<std::string> drives;
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "-drive") drives.push_back(argv[i + 1]);
  REQUIRE(drives.size() == 2);
  CHECK(drives[1] == "file=/data/a,,b/preload.img,if=virtio,format=raw,readonly=on");
}

TEST_CASE("a node on its cluster's switch gets a second NIC joining the switch's socket directory",
          "[qemu]") {
  auto machine = sample();
  auto plain = qemu_argv(machine);
  CHECK(std::count(plain.begin(), plain.end(), "-netdev") == 1);
  machine.switch_socket = "/home/u/.mk/networks/c1/ctl";
  machine.switch_mac = "52:54:00:01:02:03";
  machine.fw_cfg["opt/mk/network"] = "/home/u/.mk/machines/vm1/network";
  auto argv = qemu_argv(machine);
  std::vector<std::string> netdevs, devices;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-netdev") netdevs.push_back(argv[i + 1]);
    if (argv[i] == "-device") devices.push_back(argv[i + 1]);
  }
  REQUIRE(netdevs.size() == 2);
  CHECK(netdevs[1] == "vde,id=net1,sock=/home/u/.mk/networks/c1/ctl");
  CHECK(std::find(devices.begin(), devices.end(),
                  "virtio-net-pci,netdev=net1,mac=52:54:00:01:02:03,romfile=") != devices.end());
  CHECK(has(argv, "name=opt/mk/network,file=/home/u/.mk/machines/vm1/network"));
}
