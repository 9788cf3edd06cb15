// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/hash.hpp"
#include "mk/exec/runner.hpp"
#include "mk/ssh/keys.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class InstallSshKey final : public Step {
public:
  std::string title(const StartContext&) const override { return "Setting up SSH access"; }
  Status run(StartContext& context) override {
    auto& node = context.target_node();
    auto key = context.env.paths.machine_dir(node.name) / "id_rsa";
    auto public_key = MK_TRY(ssh::ensure_key_pair(key, fmt::format("mk@{}", node.name)));
    auto content = public_key + "\n";
    if (context.survey.hash_of(k_authorized_keys) == core::sha256_hex(content)) return {};
    MK_TRY(context.node->write_file(k_authorized_keys, content, 0600));
    MK_TRY(exec::run_checked(*context.node,
                             {{"chown", "-R", "docker:docker", "/home/docker/.ssh"}, {}, {}, {}, {}},
                             ErrorCode::node_failed));
    context.survey.record_written(k_authorized_keys, content);
    return {};
  }
};
} // namespace

std::unique_ptr<Step> install_ssh_key() {
  return std::make_unique<InstallSshKey>();
}

} // namespace mk::cluster::steps
