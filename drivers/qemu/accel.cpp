// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/accel.hpp"

#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace mk::drivers::qemu {

namespace {
bool flag_in_cpuinfo(const std::filesystem::path& cpuinfo) {
  std::ifstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string word;
    while (words >> word)
      if (word == "vmx" || word == "svm") return true;
  }
  return false;
}
} // namespace

HostFacts read_host_facts(const std::filesystem::path& root) {
  HostFacts facts;
  auto kvm = root / "dev/kvm";
  if (int fd = ::open(kvm.c_str(), O_RDWR | O_CLOEXEC); fd >= 0) {
    facts.kvm_device_usable = true;
    ::close(fd);
  }
  facts.cpu_virtualization = flag_in_cpuinfo(root / "proc/cpuinfo");
  std::error_code ec;
  facts.kvm_vendor_module = std::filesystem::exists(root / "sys/module/kvm_intel", ec) ||
                            std::filesystem::exists(root / "sys/module/kvm_amd", ec);
  facts.kvm_pvm = std::filesystem::exists(root / "sys/module/kvm_pvm", ec);
  return facts;
}

Accelerator choose_accelerator(const HostFacts& facts) {
  if (!facts.kvm_device_usable) return {"tcg", "/dev/kvm is missing or cannot be opened read-write"};
  if (facts.kvm_pvm)
    return {"tcg", "/dev/kvm is KVM-PVM, which boots only PVM guest kernels (a stock kernel hangs on it)"};
  if (!facts.cpu_virtualization && !facts.kvm_vendor_module)
    return {"tcg", "the CPU offers no hardware virtualisation (no vmx/svm, no kvm_intel/kvm_amd)"};
  return {"kvm", "KVM with hardware virtualisation"};
}

} // namespace mk::drivers::qemu
