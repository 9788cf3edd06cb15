// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/copy.hpp"

#include "mk/cluster/nodes.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/fs.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace mk::cluster {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
// "NODE:PATH" when NODE is a node of the cluster, else nullopt.
std::optional<CopyEnd> node_end(const config::ClusterConfig& config, std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto node = text.substr(0, colon);
  if (!config::find_node(config, node)) return std::nullopt;
  return CopyEnd{std::string(node), std::string(text.substr(colon + 1))};
}
} // namespace

Result<CopyPlan> plan_copy(const config::ClusterConfig& config, std::string_view source,
                           std::string_view destination) {
  const auto& primary = config.primary()->name;
  std::error_code ec;
  CopyPlan plan;
  if (auto from_node = node_end(config, source)) {
    plan.source = *from_node;
  } else if (fs::is_regular_file(std::string(source), ec)) {
    plan.source = {"", std::string(source)};
  } else if (source.starts_with('/')) {
    plan.source = {primary, std::string(source)};
  } else {
    return fail(ErrorCode::not_found, fmt::format("{} is not a file on this host", source));
  }
  if (auto to_node = node_end(config, destination))
    plan.destination = *to_node;
  else if (plan.source.node.empty())
    plan.destination = {primary, std::string(destination)}; // a host file goes to the primary by default
  else
    plan.destination = {"", std::string(destination)};
  if (plan.source.node.empty() == plan.destination.node.empty())
    return fail(ErrorCode::usage,
                "mk cp copies between the host and a node: one end must be NODE:/PATH or a host "
                "file, the other the opposite");
  const auto& in_node = plan.source.node.empty() ? plan.destination : plan.source;
  if (!in_node.path.starts_with('/'))
    return fail(ErrorCode::usage,
                fmt::format("the path in node {} must be absolute: {}", in_node.node, in_node.path));
  return plan;
}

Status copy_file(Env& env, driver::Driver& driver, std::string_view profile, std::string_view source,
                 std::string_view destination) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  auto plan = MK_TRY(plan_copy(*config, source, destination));
  const auto& node = plan.source.node.empty() ? plan.destination.node : plan.source.node;
  if (MK_TRY(driver.inspect_node(node)).state != driver::State::running)
    return fail(not_running(profile, node));
  auto runner = driver.node_runner(node);
  if (plan.source.node.empty()) {
    auto mode = static_cast<int>(fs::status(plan.source.path).permissions() & fs::perms::all);
    return runner->copy_file(plan.source.path, plan.destination.path, mode);
  }
  auto read = MK_TRY(runner->run({{"cat", "--", plan.source.path}, {}, {}, 10min, {}}));
  if (!read.ok())
    return fail(exec::command_error(read, fmt::format("cannot read {} in node {}", plan.source.path, node),
                                    ErrorCode::not_found));
  auto target = fs::path(plan.destination.path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) target /= fs::path(plan.source.path).filename();
  return core::write_file_atomic(target, read.out, 0644);
}

} // namespace mk::cluster
