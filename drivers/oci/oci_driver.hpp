// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "drivers/oci/run_args.hpp"
#include "mk/core/log.hpp"
#include "mk/driver/driver.hpp"

namespace mk::drivers::oci {

// A driver for container engines with a docker-compatible CLI (docker, podman): nodes are containers made
// from a kicbase-style image, on a dedicated bridge network, with /var on a named volume.
class OciDriver final : public driver::Driver {
public:
  OciDriver(Engine engine, exec::Runner& host, const core::Log& log)
      : m_engine(std::move(engine)), m_host(host), m_log(log) {}

  std::string_view name() const override { return m_engine.binary; }
  Status check_available() override;
  Status ensure_image(std::string_view image, const driver::ProgressFn& progress) override;
  Status save_image(std::string_view image, const std::filesystem::path& path) override;
  Status load_image(const std::filesystem::path& path) override;
  Result<driver::Network> ensure_network(const driver::NetworkRequest& request) override;
  Status remove_network(std::string_view name) override;
  Status create_node(const driver::NodeSpec& spec) override;
  Status start_node(std::string_view node) override;
  Status stop_node(std::string_view node) override;
  Status remove_node(std::string_view node) override;
  Result<driver::NodeInfo> inspect_node(std::string_view node) override;
  std::string node_logs(std::string_view node, int lines) override;
  std::unique_ptr<exec::Runner> node_runner(std::string_view node) override;
  Status remove_everything_created() override;

private:
  Result<exec::RunResult> engine(std::vector<std::string> args, std::chrono::milliseconds timeout = {});
  Result<std::string> engine_checked(std::vector<std::string> args, std::string_view what,
                                     std::chrono::milliseconds timeout = {});
  Result<std::optional<driver::Network>> find_network(std::string_view name);
  Result<driver::Network> create_network(const driver::NetworkRequest& request);
  Result<std::vector<std::string>> image_command(std::string_view image);
  Status create_container(const driver::NodeSpec& spec, Security security,
                          const std::vector<std::string>& command);
  Status prepare_volume(const driver::NodeSpec& spec);
  Status extract_preload(const driver::NodeSpec& spec);

  Engine m_engine;
  exec::Runner& m_host;
  const core::Log& m_log;
};

} // namespace mk::drivers::oci
