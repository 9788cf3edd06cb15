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
constexpr const char* k_from_preload = "from-preload"; // the stamp's "hash" of a binary a preload put there

Status copy_binaries(StartContext& context) {
  auto& node = *context.node;
  auto directory = kube::binaries_dir(context.version);
  auto stamp = binaries_stamp(context.version);
  auto parse = [](const std::string& text) {
    std::map<std::string, std::string> hashes;
    for (const auto& line : core::split(text, '\n', true))
      if (auto w = core::words(line); w.size() == 2) hashes[w[1]] = w[0];
    return hashes;
  };
  exec::RunResult recorded;
  if (auto surveyed = context.survey.contents.find(stamp); surveyed != context.survey.contents.end())
    recorded = {{}, 0, surveyed->second, {}};
  else
    recorded = MK_TRY(node.run({{"cat", stamp}, {}, {}, 10s, {}}));
  auto node_hashes = recorded.ok() ? parse(recorded.out) : std::map<std::string, std::string>{};
  bool complete = node_hashes.size() == std::size(k_node_binaries);
  if (context.host_binaries.empty() && complete) return {};
  if (!complete) {
    // No record yet. Binaries that came with a preload are recorded by their origin instead of a hash
    // (hashing them costs half a second of the start); binaries from the host are compared by hash, so
    // identical ones are not copied again.
    exec::Command hashes{{"sha256sum", "--"}, {}, {}, {}, {}};
    if (context.host_binaries.empty())
      hashes.argv = {"sh", "-c",
                     fmt::format("for f; do [ -f \"$f\" ] && echo \"{}  $f\"; done; true", k_from_preload),
                     "mk-binaries"};
    for (const char* name : k_node_binaries)
      hashes.argv.push_back(directory + "/" + name);
    auto existing = MK_TRY(node.run(hashes)); // sha256sum exits 1 when some are missing: those are absent
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

} // namespace

std::string binaries_stamp(const k8s::Version& version) {
  return kube::binaries_dir(version) + "/" + k_binaries_stamp;
}

namespace {

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

    // a worker gets its kubelet configuration from `kubeadm join`; that configuration names the CA where the
    // primary keeps it, so the worker gets that one file
    bool primary = context.target_is_primary();
    auto files = certificate_files(context);
    if (!primary) std::erase_if(files, [](const NodeFile& f) { return !f.path.ends_with("/ca.crt"); });
    files.insert(
        files.end(),
        {
            {"/lib/systemd/system/kubelet.service", kube::kubelet_unit(params), 0644},
            {"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", kube::kubelet_dropin(params), 0644},
            {kube::k_kubelet_prep, kube::kubelet_prep_script(params), 0755},
            {"/etc/systemd/system.conf.d/10-mk-stop.conf", kube::systemd_stop_timeout(), 0644},
        });
    if (!params.pod_cidr.empty())
      files.push_back({kube::k_cni_config, kube::bridge_cni_config(params), 0644});
    if (primary) files.push_back({kube::k_kubeadm_config, kube::render_kubeadm_config(kubeadm), 0640});
    bool docker_probe = kube::kubelet_probes_docker(context.version);
    if (docker_probe)
      files.insert(
          files.end(),
          {
              {"/etc/systemd/system/mk-docker-info.socket", kube::docker_info_socket_unit(), 0644},
              {"/etc/systemd/system/mk-docker-info@.service", kube::docker_info_service_unit(), 0644},
              {kube::k_docker_info_script, kube::docker_info_script(), 0755},
          });
    auto written = MK_TRY(sync_node_files(node, files, &context.survey));
    auto changed = [&](std::string_view prefix) {
      return std::any_of(written.begin(), written.end(),
                         [&](const auto& p) { return p.rfind(prefix, 0) == 0; });
    };
    // At most one command: systemd takes the changed units, the kubelet (and the Docker probe's socket) are
    // enabled unless the survey found them so, and before kubeadm init looks at the node the control-plane
    // name and the kernel-setting guard are put in place (a kubelet start does that itself: ExecStartPre).
    const auto& survey = context.survey;
    std::string script;
    if (changed("/etc/systemd/system.conf.d/"))
      script += "systemctl daemon-reexec\n";
    else if (changed("/lib/systemd/") || changed("/etc/systemd/"))
      script += "systemctl daemon-reload\n";
    if (!survey.unit_enabled("kubelet"))
      script += "systemctl is-enabled -q kubelet || systemctl enable -q kubelet\n";
    if (docker_probe) {
      const std::string socket = "mk-docker-info.socket";
      if (!survey.unit_enabled(socket))
        script += fmt::format("systemctl is-enabled -q {0} || systemctl enable -q {0}\n", socket);
      if (changed("/etc/systemd/system/mk-docker-info"))
        script += fmt::format("systemctl restart {}\n", socket);
      else if (!survey.unit_active(socket))
        script += fmt::format("systemctl start {}\n", socket);
    }
    bool bootstrapped = primary ? context.control_plane_initialized : worker_joined(context.survey);
    if (!bootstrapped) script += fmt::format("{}\n", kube::k_kubelet_prep);
    if (!script.empty())
      MK_TRY(exec::run_checked(node, {{"sh", "-c", "set -e\n" + script}, {}, {}, 90s, {}},
                               ErrorCode::node_failed));
    return {};
  }
};
} // namespace

std::unique_ptr<Step> install_kubernetes() {
  return std::make_unique<InstallKubernetes>();
}

} // namespace mk::cluster::steps
