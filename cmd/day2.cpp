// SPDX-License-Identifier: Apache-2.0
// `mk image`, `mk service`, `mk logs` and `mk cp`.
#include "cmd/app.hpp"
#include "cmd/table.hpp"
#include "mk/cluster/copy.hpp"
#include "mk/cluster/images.hpp"
#include "mk/cluster/logs.hpp"
#include "mk/cluster/service.hpp"
#include "mk/cluster/status.hpp"
#include "mk/core/fs.hpp"
#include "mk/exec/child.hpp"
#include "mk/exec/local_runner.hpp"

#include <fmt/format.h>

namespace mk::cmd {

Result<int> run_image_load(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto nodes = MK_TRY(cluster::load_image(app.env(), *driver, in.profile, {in.name, in.overwrite}));
  if (nodes.empty())
    fmt::print("Every node of cluster {} has {} already (--overwrite=false).\n", in.profile, in.name);
  else
    fmt::print("Loaded {} into {} node{} of cluster {}.\n", in.name, nodes.size(),
               nodes.size() == 1 ? "" : "s", in.profile);
  return 0;
}

Result<int> run_image_ls(App& app) {
  auto* driver = MK_TRY(app.existing_profile_driver());
  for (const auto& image : MK_TRY(cluster::list_images(app.env(), *driver, app.invocation().profile)))
    fmt::print("{}\n", image);
  return 0;
}

Result<int> run_image_rm(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  MK_TRY(cluster::remove_image(app.env(), *driver, in.profile, in.name));
  fmt::print("Removed {} from cluster {}.\n", in.name, in.profile);
  return 0;
}

Result<int> run_service(App& app) {
  const auto& in = app.invocation();
  if (in.name.empty()) return fail(ErrorCode::usage, "mk service needs a Service name (or: mk service list)");
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto ns = in.service_namespace.empty() ? std::string("default") : in.service_namespace;
  auto ports = MK_TRY(cluster::service_urls(app.env(), *driver, in.profile, ns, in.name));
  if (in.url) {
    for (const auto& port : ports)
      fmt::print("{}\n", port.url);
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"NAMESPACE", "NAME", "PORT", "TARGET", "URL"}};
  for (const auto& port : ports)
    table.push_back({port.service_namespace, port.service, port.port, port.target, port.url});
  print_table(table);
  std::fflush(stdout);
  bool opened = false;
  for (const auto& port : ports)
    opened = exec::open_in_browser(port.url) || opened;
  if (!opened)
    fmt::print(stderr, "No browser is configured ($BROWSER or xdg-open): open the URL yourself.\n");
  return 0;
}

Result<int> run_service_list(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  auto rows = MK_TRY(cluster::list_services(app.env(), *driver, in.profile, in.service_namespace));
  std::vector<std::vector<std::string>> table = {{"NAMESPACE", "NAME", "PORT", "TARGET", "URL"}};
  for (const auto& row : rows)
    table.push_back({row.service_namespace, row.service, row.port, row.target,
                     row.url.empty() ? "(no node port)" : row.url});
  print_table(table);
  return 0;
}

Result<int> run_logs(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  cluster::LogsRequest request{in.node, in.length, in.problems};
  if (in.follow) {
    auto argv = MK_TRY(cluster::follow_logs_command(app.env(), *driver, in.profile, request));
    std::fflush(stdout);
    return fail(exec::exec_replace(argv));
  }
  auto text = MK_TRY(cluster::collect_logs(app.env(), *driver, in.profile, request));
  if (in.file.empty()) {
    fmt::print("{}", text);
    return 0;
  }
  MK_TRY(core::write_file_atomic(in.file, text, 0600));
  fmt::print("Wrote the logs of cluster {} to {}.\n", in.profile, in.file);
  return 0;
}

Result<int> run_cp(App& app) {
  const auto& in = app.invocation();
  auto* driver = MK_TRY(app.existing_profile_driver());
  MK_TRY(cluster::copy_file(app.env(), *driver, in.profile, in.name, in.value));
  return 0;
}

} // namespace mk::cmd
