// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/accel.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace mk::drivers::qemu;
namespace fs = std::filesystem;

namespace {
// A fake host root: /dev/kvm (a plain file, opened read-write unless its mode forbids it), /proc/cpuinfo and
// the /sys/module entries asked for.
struct FakeHost {
  fs::path root;
  FakeHost() {
    char pattern[] = "/tmp/mk-accel-test.XXXXXX";
    root = ::mkdtemp(pattern);
    fs::create_directories(root / "dev");
    fs::create_directories(root / "proc");
    fs::create_directories(root / "sys/module/kvm");
  }
  ~FakeHost() { fs::remove_all(root); }
  void kvm_device(bool writable) {
    std::ofstream(root / "dev/kvm").put('\0');
    fs::permissions(root / "dev/kvm",
                    writable ? fs::perms::owner_read | fs::perms::owner_write : fs::perms::owner_read);
  }
  void cpu_flags(const std::string& flags) {
    std::ofstream(root / "proc/cpuinfo") << "processor\t: 0\nflags\t\t: " << flags << "\n\nprocessor\t: 1\n";
  }
  void module(const std::string& name) { fs::create_directories(root / "sys/module" / name); }
};
} // namespace

TEST_CASE("KVM is used where /dev/kvm opens and the CPU virtualises in hardware", "[qemu]") {
  FakeHost host;
  host.kvm_device(true);
  host.cpu_flags("fpu vme sse2 vmx ssse3");
  host.module("kvm_intel");
  auto facts = read_host_facts(host.root);
  CHECK(facts.kvm_device_usable);
  CHECK(facts.cpu_virtualization);
  CHECK(facts.kvm_vendor_module);
  CHECK_FALSE(facts.kvm_pvm);
  CHECK(choose_accelerator(facts).name == "kvm");
}

TEST_CASE("AMD's svm flag or the kvm_amd module alone also counts as hardware virtualisation", "[qemu]") {
  FakeHost host;
  host.kvm_device(true);
  host.cpu_flags("fpu svm sse2");
  CHECK(choose_accelerator(read_host_facts(host.root)).name == "kvm");
  host.cpu_flags("fpu sse2");
  host.module("kvm_amd");
  CHECK(choose_accelerator(read_host_facts(host.root)).name == "kvm");
}

TEST_CASE("KVM-PVM (this CI machine's kind) falls back to TCG even though /dev/kvm opens", "[qemu]") {
  FakeHost host;
  host.kvm_device(true);
  host.cpu_flags("fpu sse2 avx2"); // a PVM host passes no vmx/svm to its guests
  host.module("kvm_pvm");
  auto facts = read_host_facts(host.root);
  CHECK(facts.kvm_device_usable);
  CHECK(facts.kvm_pvm);
  auto chosen = choose_accelerator(facts);
  CHECK(chosen.name == "tcg");
  CHECK(chosen.reason.find("PVM") != std::string::npos);
  // PVM wins even where the CPU flags would allow KVM
  host.cpu_flags("vmx");
  CHECK(choose_accelerator(read_host_facts(host.root)).name == "tcg");
}

TEST_CASE("without /dev/kvm, or without read-write access to it, the VM uses TCG", "[qemu]") {
  FakeHost host;
  host.cpu_flags("vmx");
  host.module("kvm_intel");
  CHECK(choose_accelerator(read_host_facts(host.root)).name == "tcg");
  if (::geteuid() != 0) { // root opens any file read-write
    host.kvm_device(false);
    CHECK(choose_accelerator(read_host_facts(host.root)).reason.find("read-write") != std::string::npos);
  }
  host.kvm_device(true);
  host.cpu_flags("fpu sse2");
  fs::remove_all(host.root / "sys/module/kvm_intel");
  auto chosen = choose_accelerator(read_host_facts(host.root));
  CHECK(chosen.name == "tcg");
  CHECK(chosen.reason.find("vmx") != std::string::npos);
}
