// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/binaries.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/node_files_sync.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"
#include "mk/kube/kubeadm_config.hpp"
#include "mk/net/download.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace mk::cluster::steps {

using namespace std::chrono_literals;

namespace {

// Puts kubeadm, kubelet and kubectl into the node unless identical copies are there. Binaries that came with
// a preload are kept; otherwise they are downloaded (cached) and copied. What is installed is recorded in the
// node (k_binaries_stamp: "<sha256>  <path>" lines, as sha256sum prints them), so a restart reads one small
// file instead of hashing the binaries again.
constexpr const char* k_binaries_stamp = ".mk-sha256";

Status copy_binaries(StartContext& context) {
  auto& node = *context.node;
  auto directory = kube::binaries_dir(context.version);
  auto stamp = directory + "/" + k_binaries_stamp;
  auto parse = [](const std::string& text) {
    std::map<std::string, std::string> hashes;
    for (const auto& line : core::split(text, '\n', true))
      if (auto w = core::words(line); w.size() == 2) hashes[w[1]] = w[0];
    return hashes;
  };
  auto recorded = MK_TRY(node.run({{"cat", stamp}, {}, {}, 10s, {}}));
  auto node_hashes = recorded.ok() ? parse(recorded.out) : std::map<std::string, std::string>{};
  bool complete = node_hashes.size() == std::size(k_node_binaries);
  if (context.host_binaries.empty() && complete) return {};
  if (!complete) { // no record yet (a preload's binaries, or an mk that wrote none): hash them once
    exec::Command hashes{{"sha256sum", "--"}, {}, {}, {}, {}};
    for (const char* name : k_node_binaries)
      hashes.argv.push_back(directory + "/" + name);
    auto existing = MK_TRY(node.run(hashes)); // exits 1 when some are missing: those are simply absent
    node_hashes = parse(existing.out);
  }
  if (context.host_binaries.empty() && node_hashes.size() != std::size(k_node_binaries)) {
    ui::Transfers transfers(context.env.ui);
    auto cache = context.env.paths.binaries_cache(context.version.to_string());
    MK_TRY(ensure_binaries(context.plan.binaries, cache, transfers));
    context.host_binaries = cache;
  }
  if (!context.host_binaries.empty()) {
    for (const char* name : k_node_binaries) {
      auto target = directory + "/" + name;
      auto local = context.host_binaries / name;
      auto expected = MK_TRY(net::sha256_of_file(local));
      if (node_hashes[target] == expected) continue;
      context.env.ui.step_progress(fmt::format("copying {}", name));
      if (std::string_view(name) == "kubelet") // a running kubelet keeps the old binary busy
        node.run({{"systemctl", "stop", "kubelet"}, {}, {}, 30s, {}});
      MK_TRY(node.copy_file(local, target, 0755));
      node_hashes[target] = expected;
    }
  }
  std::string text;
  for (const auto& [path, hash] : node_hashes)
    text += fmt::format("{}  {}\n", hash, path);
  if (text != recorded.out || !recorded.ok()) MK_TRY(node.write_file(stamp, text, 0644));
  return {};
}

std::vector<NodeFile> certificate_files(StartContext& context) {
  const auto& paths = context.env.paths;
  auto profile = profile_certificates(paths, context.config.name);
  std::string dir = kube::k_certs_dir;
  std::vector<std::pair<std::filesystem::path, std::pair<std::string, int>>> sources = {
      {paths.ca_cert(), {"ca.crt", 0644}},
      {paths.ca_key(), {"ca.key", 0600}},
      {paths.proxy_client_ca_cert(), {"proxy-client-ca.crt", 0644}},
      {paths.proxy_client_ca_key(), {"proxy-client-ca.key", 0600}},
      {profile.apiserver_cert, {"apiserver.crt", 0644}},
      {profile.apiserver_key, {"apiserver.key", 0600}},
      {profile.proxy_client_cert, {"proxy-client.crt", 0644}},
      {profile.proxy_client_key, {"proxy-client.key", 0600}},
  };
  std::vector<NodeFile> files;
  for (const auto& [source, target] : sources)
    files.push_back({dir + "/" + target.first, core::read_file(source).value_or(""), target.second});
  return files;
}

class InstallKubernetes final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Installing Kubernetes {} in the node", context.version.to_string());
  }

  Status run(StartContext& context) override {
    auto& node = *context.node;
    const auto& config = context.config;
    const auto& params = context.node_files;
    MK_TRY(copy_binaries(context));

    kube::KubeadmParams kubeadm;
    kubeadm.version = context.version;
    kubeadm.node_name = params.node_name;
    kubeadm.node_ip = params.node_ip;
    kubeadm.apiserver_port = config.kubernetes.apiserver_port;
    kubeadm.control_plane_host = k_control_plane_host;
    kubeadm.image_repository = config.kubernetes.image_repository;
    kubeadm.cgroup_driver = params.cgroup_driver;
    kubeadm.pod_cidr = config.kubernetes.pod_cidr;
    kubeadm.service_cidr = config.kubernetes.service_cidr;
    kubeadm.dns_domain = config.kubernetes.dns_domain;

    auto files = certificate_files(context);
    files.insert(
        files.end(),
        {
            {"/lib/systemd/system/kubelet.service", kube::kubelet_unit(params), 0644},
            {"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", kube::kubelet_dropin(params), 0644},
            {kube::k_kubelet_prep, kube::kubelet_prep_script(params), 0755},
            {"/etc/cni/net.d/1-k8s.conflist", kube::bridge_cni_config(params), 0644},
            {"/etc/systemd/system.conf.d/10-mk-stop.conf", kube::systemd_stop_timeout(), 0644},
            {kube::k_kubeadm_config, kube::render_kubeadm_config(kubeadm), 0640},
        });
    bool docker_probe = kube::kubelet_probes_docker(context.version);
    if (docker_probe)
      files.insert(
          files.end(),
          {
              {"/etc/systemd/system/mk-docker-info.socket", kube::docker_info_socket_unit(), 0644},
              {"/etc/systemd/system/mk-docker-info@.service", kube::docker_info_service_unit(), 0644},
              {kube::k_docker_info_script, kube::docker_info_script(), 0755},
          });
    auto written = MK_TRY(sync_node_files(node, files));
    auto changed = [&](std::string_view prefix) {
      return std::any_of(written.begin(), written.end(),
                         [&](const auto& p) { return p.rfind(prefix, 0) == 0; });
    };
    if (changed("/etc/systemd/system.conf.d/"))
      MK_TRY(
          exec::run_checked(node, {{"systemctl", "daemon-reexec"}, {}, {}, 60s, {}}, ErrorCode::node_failed));
    else if (changed("/lib/systemd/") || changed("/etc/systemd/"))
      MK_TRY(
          exec::run_checked(node, {{"systemctl", "daemon-reload"}, {}, {}, 60s, {}}, ErrorCode::node_failed));
    MK_TRY(exec::run_checked(node, {{"systemctl", "enable", "kubelet"}, {}, {}, 30s, {}},
                             ErrorCode::node_failed));
    if (docker_probe)
      MK_TRY(exec::run_checked(node,
                               {{"systemctl", "enable", "--now", "mk-docker-info.socket"}, {}, {}, 30s, {}},
                               ErrorCode::node_failed));
    // the control-plane name and the kernel-setting guard, before kubeadm looks at the node
    MK_TRY(exec::run_checked(node, {{kube::k_kubelet_prep}, {}, {}, 30s, {}}, ErrorCode::node_failed));
    return {};
  }
};
} // namespace

std::unique_ptr<Step> install_kubernetes() {
  return std::make_unique<InstallKubernetes>();
}

} // namespace mk::cluster::steps
