// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "drivers/qemu/accel.hpp"
#include "mk/driver/driver.hpp"

#include <optional>

namespace mk::drivers::qemu {

// Nodes as qemu virtual machines (KVM where it truly works, TCG otherwise) booted straight from the VM node
// image's kernel, each on a qcow2 overlay of the image's read-only base disk, on user-mode networking with
// SSH and the API server forwarded from 127.0.0.1 only. Everything of a node lives in
// MK_HOME/machines/<node>/ (mk owns that directory; no labels needed): disk.qcow2, qemu.json (its settings),
// qemu.pid, qmp.sock, console.log, the SSH key, and node-data/ (what mk recorded under /var/lib/mk in the
// node, readable while the VM is off). Commands run over SSH with a shared connection.
class QemuDriver final : public driver::Driver {
public:
  QemuDriver(exec::Runner& host, const core::Log& log, const core::Paths& paths, HostFacts facts);
  std::string_view name() const override { return "qemu"; }
  Status check_available() override;
  Status ensure_image(std::string_view image, const driver::ProgressFn& progress) override;
  Result<driver::Network> ensure_network(const driver::NetworkRequest& request) override;
  Status save_image(std::string_view image, const std::filesystem::path& path) override;
  Status load_image(const std::filesystem::path& path) override;
  Status remove_network(std::string_view name) override;
  Result<bool> create_node(const driver::NodeSpec& spec) override;
  Status start_node(std::string_view node) override;
  Status stop_node(std::string_view node) override;
  Status remove_node(std::string_view node, bool keep_data = false) override;
  Result<std::optional<std::string>> read_node_data(std::string_view node, std::string_view image,
                                                    const std::string& path) override;
  Result<driver::NodeInfo> inspect_node(std::string_view node) override;
  std::string node_logs(std::string_view node, int lines) override;
  std::unique_ptr<exec::Runner> node_runner(std::string_view node) override;
  Status remove_everything_created() override;
  std::string host_loopback_alias() const override { return "10.0.2.2"; } // user-mode networking's gateway
  bool shares_host_kernel() const override { return false; }
  Result<std::optional<int>> loopback_forward(std::string_view node, int port) override;
  std::optional<std::filesystem::path> image_cache_file(std::string_view image) const override;
  std::string caveat() const override;

private:
  std::filesystem::path dir(std::string_view node) const { return m_paths.machine_dir(node); }
  std::optional<int> running_pid(std::string_view node) const;
  Status launch(std::string_view node, const std::string& accelerator);
  Status kill_machine(std::string_view node);
  exec::Runner& m_host;
  const core::Log& m_log;
  core::Paths m_paths;
  Accelerator m_accelerator;
};

} // namespace mk::drivers::qemu
