// SPDX-License-Identifier: Apache-2.0
#include "mk/kube/kubeadm_config.hpp"

#include <fmt/format.h>
#include <iterator>
#include <utility>
#include <vector>

namespace mk::kube {
namespace {

using k8s::KubeadmApi;
using k8s::Version;
using Args = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr std::string_view k_admission_plugins =
    "NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,"
    "NodeRestriction,"
    "MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota";

class Writer {
public:
  explicit Writer(KubeadmApi api) : m_api(api) {}

  template <class... T> void line(fmt::format_string<T...> format, T&&... args) {
    fmt::format_to(std::back_inserter(m_text), format, std::forward<T>(args)...);
    m_text += '\n';
  }

  // An extraArgs block indented by `indent`: a map up to v1beta3, a list of name/value pairs from v1beta4.
  void extra_args(std::string_view indent, const Args& args) {
    line("{}extraArgs:", indent);
    for (const auto& [name, value] : args) {
      if (m_api == KubeadmApi::v1beta4) {
        line("{}  - name: \"{}\"", indent, name);
        line("{}    value: \"{}\"", indent, value);
      } else {
        line("{}  {}: \"{}\"", indent, name, value);
      }
    }
  }

  std::string take() { return std::move(m_text); }

private:
  KubeadmApi m_api;
  std::string m_text;
};

std::string socket_uri(std::string_view socket) {
  return socket.starts_with("unix://") ? std::string(socket) : fmt::format("unix://{}", socket);
}

void init_configuration(Writer& out, const KubeadmParams& p, KubeadmApi api) {
  out.line("apiVersion: {}", k8s::api_version_string(api));
  out.line("kind: InitConfiguration");
  out.line("localAPIEndpoint:");
  out.line("  advertiseAddress: {}", p.node_ip);
  out.line("  bindPort: {}", p.apiserver_port);
  out.line("bootstrapTokens:");
  out.line("  - groups:");
  out.line("      - system:bootstrappers:kubeadm:default-node-token");
  out.line("    ttl: 24h0m0s");
  out.line("    usages:");
  out.line("      - signing");
  out.line("      - authentication");
  out.line("nodeRegistration:");
  bool unix_prefix = p.version >= Version{1, 24, 0};
  out.line("  criSocket: {}", unix_prefix ? socket_uri(p.cri_socket) : p.cri_socket);
  out.line("  name: \"{}\"", p.node_name);
  out.line("  kubeletExtraArgs:");
  if (api == KubeadmApi::v1beta4) {
    out.line("    - name: \"node-ip\"");
    out.line("      value: \"{}\"", p.node_ip);
  } else {
    out.line("    node-ip: {}", p.node_ip);
  }
  out.line("  taints: []");
}

void cluster_configuration(Writer& out, const KubeadmParams& p, KubeadmApi api) {
  out.line("apiVersion: {}", k8s::api_version_string(api));
  out.line("kind: ClusterConfiguration");
  if (!p.image_repository.empty()) out.line("imageRepository: {}", p.image_repository);
  out.line("apiServer:");
  out.line("  certSANs: [\"127.0.0.1\", \"localhost\", \"{}\"]", p.node_ip);
  out.extra_args("  ", {{"enable-admission-plugins", k_admission_plugins}});
  out.line("controllerManager:");
  // No node IPAM: each node's bridge CNI gives pods addresses from the node's pod CIDR, which mk chooses (see
  // cluster/pod_network.hpp), and the node IPAM controller's
  // start waits 10 s (a wait.Poll before its first node list) ahead of every controller after it, the
  // ServiceAccount controller among them. A higher client rate: at the default 20 requests/s the controllers'
  // start (a ServiceAccount, its token and a TokenReview each, in turn) takes about 7 s on one shared client.
  out.extra_args("  ", {{"allocate-node-cidrs", "false"},
                        {"kube-api-burst", "200"},
                        {"kube-api-qps", "100"},
                        {"leader-elect", "false"}});
  out.line("scheduler:");
  out.extra_args("  ", {{"leader-elect", "false"}});
  out.line("certificatesDir: {}", p.certificates_dir);
  out.line("clusterName: {}", p.cluster_name);
  out.line("controlPlaneEndpoint: {}:{}", p.control_plane_host, p.apiserver_port);
  if (api == KubeadmApi::v1beta2) {
    out.line("dns:");
    out.line("  type: CoreDNS");
  }
  out.line("etcd:");
  out.line("  local:");
  out.line("    dataDir: {}", p.etcd_data_dir);
  if (api != KubeadmApi::v1beta4) out.extra_args("    ", {{"proxy-refresh-interval", "70000"}});
  out.line("kubernetesVersion: {}", p.version.to_string());
  out.line("networking:");
  out.line("  dnsDomain: {}", p.dns_domain);
  out.line("  podSubnet: \"{}\"", p.pod_cidr);
  out.line("  serviceSubnet: {}", p.service_cidr);
}

void kubelet_configuration(Writer& out, const KubeadmParams& p) {
  out.line("apiVersion: kubelet.config.k8s.io/v1beta1");
  out.line("kind: KubeletConfiguration");
  out.line("authentication:");
  out.line("  x509:");
  out.line("    clientCAFile: {}/ca.crt", p.certificates_dir);
  out.line("cgroupDriver: {}", p.cgroup_driver);
  // The kubelet flag is deprecated; the config field exists from 1.27.
  if (p.version >= Version{1, 27, 0}) out.line("containerRuntimeEndpoint: {}", socket_uri(p.cri_socket));
  // From 1.35 the kubelet refuses cgroup v1 hosts unless told otherwise.
  if (p.version >= Version{1, 35, 0} && p.cgroup_driver != "systemd") out.line("failCgroupV1: false");
  out.line("hairpinMode: hairpin-veth");
  out.line("runtimeRequestTimeout: 15m");
  out.line("clusterDomain: \"{}\"", p.dns_domain);
  out.line("# no disk-pressure image garbage collection or eviction inside the node");
  out.line("imageGCHighThresholdPercent: 100");
  out.line("evictionHard:");
  out.line("  nodefs.available: \"0%\"");
  out.line("  nodefs.inodesFree: \"0%\"");
  out.line("  imagefs.available: \"0%\"");
  out.line("failSwapOn: false");
  out.line(
      "# the node's status is computed every second and sent when it changes (the lease is the heartbeat),");
  out.line("# so the first Ready status follows the runtime's network readiness at once; the report "
           "frequency must");
  out.line("# be explicit, or it would default to the update frequency: a status write every second");
  out.line("nodeStatusUpdateFrequency: 1s");
  out.line("nodeStatusReportFrequency: 5m");
  out.line("staticPodPath: /etc/kubernetes/manifests");
}

void kube_proxy_configuration(Writer& out, const KubeadmParams& p) {
  out.line("apiVersion: kubeproxy.config.k8s.io/v1alpha1");
  out.line("kind: KubeProxyConfiguration");
  out.line("clusterCIDR: \"{}\"", p.pod_cidr);
  out.line("metricsBindAddress: 0.0.0.0:10249");
  out.line("conntrack:");
  out.line("  # 0 and 0s: leave nf_conntrack_max and the TCP timeouts alone (read-only inside the node)");
  out.line("  maxPerCore: 0");
  out.line("  tcpEstablishedTimeout: 0s");
  out.line("  tcpCloseWaitTimeout: 0s");
  out.line("# the host kernel may lack IPVS");
  out.line("mode: \"iptables\"");
}

} // namespace

std::string render_kubeadm_config(const KubeadmParams& params) {
  auto api = k8s::kubeadm_api_for(params.version);
  Writer out(api);
  init_configuration(out, params, api);
  out.line("---");
  cluster_configuration(out, params, api);
  out.line("---");
  kubelet_configuration(out, params);
  out.line("---");
  kube_proxy_configuration(out, params);
  return out.take();
}

} // namespace mk::kube
