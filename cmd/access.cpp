// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/access.hpp"

#include "cmd/app.hpp"
#include "mk/cluster/kubectl.hpp"
#include "mk/cluster/status.hpp"
#include "mk/kube/kubeconfig.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace mk::cmd {

Result<int> run_ssh(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  bool tty = in.arguments.empty() && ::isatty(STDIN_FILENO);
  auto argv = MK_TRY(cluster::ssh_command(app.env(), *driver, in.profile, in.node, in.arguments, tty));
  std::fflush(stdout);
  return fail(exec::exec_replace(argv)); // returns only when ssh could not be started
}

Result<int> run_kubectl(App& app) {
  auto argv =
      MK_TRY(cluster::kubectl_command(app.env(), app.invocation().profile, app.invocation().arguments));
  std::fflush(stdout);
  return fail(exec::exec_replace(argv));
}

Result<int> run_update_context(App& app) {
  const auto& profile = app.invocation().profile;
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto server = MK_TRY(cluster::update_context(app.env(), *driver, profile));
  fmt::print("Context \"{}\" of {} now points at {}.\n", profile, kube::kubeconfig_path().string(), server);
  return 0;
}

Result<int> run_node_list(App& app) {
  fmt::print("{}", MK_TRY(cluster::node_list(app.env(), app.invocation().profile)));
  return 0;
}

Result<int> run_ip(App& app) {
  fmt::print("{}\n", MK_TRY(cluster::node_ip(app.env(), app.invocation().profile, app.invocation().node)));
  return 0;
}

} // namespace mk::cmd
