// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>

namespace mk::drivers::qemu {

// What the host offers for hardware virtualisation, read from /dev, /sys and /proc.
struct HostFacts {
  bool kvm_device_usable = false;  // /dev/kvm opens read-write
  bool cpu_virtualization = false; // /proc/cpuinfo has vmx or svm
  bool kvm_vendor_module = false;  // /sys/module/kvm_intel or kvm_amd
  bool kvm_pvm = false;            // /sys/module/kvm_pvm: KVM-PVM, which runs only PVM guest kernels
};

// The facts of the host whose root is `root` ("/" on a real host; a fake tree in tests).
HostFacts read_host_facts(const std::filesystem::path& root = "/");

// The accelerator a VM node uses: "kvm" only where KVM truly works, else "tcg" (software emulation), with
// the reason for a person to read.
struct Accelerator {
  std::string name;
  std::string reason;
  bool kvm() const { return name == "kvm"; }
};
Accelerator choose_accelerator(const HostFacts& facts);

} // namespace mk::drivers::qemu
