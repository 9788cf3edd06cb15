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
  OciDriver(Engine engine, exec::Runner& host, const core::Log& log, std::string owner)
      : m_engine(std::move(engine)), m_host(host), m_log(log), m_owner(std::move(owner)) {}

  std::string_view name() const override { return m_engine.binary; }
  std::string multi_node_refusal() const override { return m_engine.multi_node_refusal; }
  Status check_available() override;
  Status ensure_image(std::string_view image, const driver::ProgressFn& progress) override;
  Status save_image(std::string_view image, const std::filesystem::path& path) override;
  Status load_image(const std::filesystem::path& path) override;
  Result<driver::Network> ensure_network(const driver::NetworkRequest& request) override;
  Status remove_network(std::string_view name) override;
  Result<bool> create_node(const driver::NodeSpec& spec) override;
  Status start_node(std::string_view node) override;
  Status stop_node(std::string_view node) override;
  Status remove_node(std::string_view node, bool keep_data) override;
  Result<std::optional<std::string>> read_node_data(std::string_view node, std::string_view image,
                                                    const std::string& path) override;
  Result<driver::NodeInfo> inspect_node(std::string_view node) override;
  std::string node_logs(std::string_view node, int lines) override;
  std::unique_ptr<exec::Runner> node_runner(std::string_view node) override;
  Status remove_everything_created() override;

  // Who made an engine object, from its labels.
  enum class Owner {
    none,       // it does not exist
    this_home,  // mk, from this MK_HOME
    older_mk,   // mk, before objects carried their MK_HOME (only a profile of this MK_HOME may claim it)
    other_home, // mk, from another MK_HOME
    foreign,    // not mk
  };

private:
  // Loads `image` from the engine m_engine.import_from when that one has it (docker save, then load):
  // whether it did.
  Result<bool> import_image(std::string_view image, const driver::ProgressFn& progress);
  // Before anything is created: a throwaway container of `image` runs with the limits mk will pass (see
  // Engine::raises_rlimits); rootless engines of that kind are refused.
  Status check_node_limits(std::string_view image);
  // Rootless engines of the raises_rlimits kind (podman) are refused (exit 50), before anything is made.
  Status refuse_rootless() const;
  // Runs the engine's CLI. An engine that cannot be reached or does not answer within `timeout` is
  // driver_unavailable.
  Result<exec::RunResult> engine(std::vector<std::string> args, std::chrono::milliseconds timeout);
  Result<exec::RunResult> engine(std::vector<std::string> args);
  Result<std::string> engine_checked(std::vector<std::string> args, std::string_view what);
  // `kind`: "container", "volume" or "network".
  Result<Owner> owner_of(std::string_view kind, std::string_view name);
  Error unavailable(std::string reason) const;
  std::vector<std::string> label_args(std::string_view name, std::string_view cluster) const;
  Result<std::optional<driver::Network>> find_network(std::string_view name);
  Result<driver::Network> create_network(const driver::NetworkRequest& request);
  Result<std::vector<std::string>> image_command(std::string_view image);
  Status create_container(const driver::NodeSpec& spec, Security security,
                          const std::vector<std::string>& command);
  // Makes the node's volume; returns whether an existing one (the node's data) is reused.
  Result<bool> prepare_volume(const driver::NodeSpec& spec);
  Status extract_preload(const driver::NodeSpec& spec);

  Engine m_engine;
  exec::Runner& m_host;
  const core::Log& m_log;
  std::string m_owner;
  bool m_limits_checked = false; // the preflight of raises_rlimits ran (and set node_args)
};

} // namespace mk::drivers::oci
