// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/access.hpp"

#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/nodes.hpp"
#include "mk/cluster/status.hpp"
#include "mk/exec/local_runner.hpp"
#include "mk/kube/kubeconfig.hpp"
#include "mk/ssh/runner.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>

namespace mk::cluster {

Result<std::vector<std::string>> ssh_command(Env& env, driver::Driver& driver, std::string_view profile,
                                             std::string_view node, const std::vector<std::string>& command,
                                             bool allocate_tty) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  auto target = MK_TRY(node_named(*config, node));
  auto info = MK_TRY(driver.inspect_node(target.name));
  if (info.state != driver::State::running)
    return fail(Error{ErrorCode::node_failed,
                      fmt::format("node {} is not running ({})", target.name, driver::to_string(info.state)),
                      {},
                      {},
                      fmt::format("start it with: mk start -p {}", profile)});
  auto port = info.ports.find(22);
  if (port == info.ports.end())
    return fail(ErrorCode::node_failed, fmt::format("node {} publishes no SSH port", target.name));
  auto key = env.paths.machine_dir(target.name) / "id_rsa";
  struct stat key_stat {};
  if (::stat(key.c_str(), &key_stat) != 0)
    return fail(Error{ErrorCode::node_failed,
                      fmt::format("the SSH key {} is missing", key.string()),
                      {},
                      {},
                      fmt::format("run mk start -p {} to install a new one", profile)});
  if ((key_stat.st_mode & 077) != 0)
    return fail(ErrorCode::failure,
                fmt::format("the SSH key {} is readable by others; run chmod 600 on it", key.string()));
  if (exec::find_program("ssh").empty())
    return fail(Error{ErrorCode::not_found,
                      "the OpenSSH client (ssh) is not installed",
                      {},
                      {},
                      "install it (Debian: apt-get install openssh-client)"});
  auto argv = ssh::client_argv({port->second, key, {}});
  argv.pop_back(); // the destination goes after -t
  if (allocate_tty) argv.push_back("-t");
  argv.push_back("docker@127.0.0.1");
  if (!command.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
  }
  return argv;
}

Result<std::string> update_context(Env& env, driver::Driver& driver, std::string_view profile) {
  auto lock = MK_TRY(lock_profile(env, profile));
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  if (!config->kubernetes_enabled)
    return fail(ErrorCode::usage,
                fmt::format("cluster {} runs without Kubernetes: it has no kubeconfig entry", profile));
  auto& primary = *config->primary();
  auto info = MK_TRY(driver.inspect_node(primary.name));
  if (info.state != driver::State::running)
    return fail(Error{ErrorCode::node_failed,
                      fmt::format("node {} is not running ({})", primary.name, driver::to_string(info.state)),
                      {},
                      {},
                      fmt::format("start it with: mk start -p {}", profile)});
  primary.ports = info.ports;
  MK_TRY(env.store.save(*config));
  auto certificates = profile_certificates(env.paths, profile);
  kube::KubeconfigEntry entry;
  entry.name = std::string(profile);
  entry.server = api_server(env.paths, *config).base_url;
  entry.certificate_authority = env.paths.ca_cert().string();
  entry.client_certificate = certificates.client_cert.string();
  entry.client_key = certificates.client_key.string();
  MK_TRY(kube::write_kubeconfig_entry(kube::kubeconfig_path(), entry, false));
  return entry.server;
}

Result<std::string> node_list(Env& env, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  std::string text;
  for (const auto& node : config->nodes)
    text += fmt::format("{}\t{}\n", node.name, node.ip);
  return text;
}

Result<std::string> node_ip(Env& env, std::string_view profile, std::string_view node) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  auto target = MK_TRY(node_named(*config, node));
  if (target.ip.empty())
    return fail(ErrorCode::node_failed, fmt::format("node {} has no IP address yet", target.name));
  return target.ip;
}

} // namespace mk::cluster
