// SPDX-License-Identifier: Apache-2.0
#include "mk/kube/node_files.hpp"

#include <fmt/format.h>

namespace mk::kube {

std::string binaries_dir(const k8s::Version& version) {
  return fmt::format("{}/{}", k_binaries_root, version.to_string());
}

std::string containerd_config(const NodeFilesParams& p) {
  return fmt::format(R"toml(# Written by mk.
version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "{sandbox}"
    # true when the node cannot lower OOM scores below 0 (no CAP_SYS_RESOURCE): runc would fail every sandbox
    restrict_oom_score_adj = {restrict}
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = {systemd}
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/opt/cni/bin"
      conf_dir = "/etc/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
)toml",
                     fmt::arg("sandbox", p.sandbox_image), fmt::arg("restrict", p.restrict_oom_score_adj),
                     fmt::arg("systemd", p.cgroup_driver == "systemd"));
}

std::string insecure_registry_hosts(std::string_view host, std::string_view reached_at) {
  if (reached_at.empty()) reached_at = host;
  return fmt::format(R"toml(# Written by mk: {host} is reached over plain HTTP{at}.
server = "http://{reach}"

[host."http://{reach}"]
  capabilities = ["pull", "resolve"]
)toml",
                     fmt::arg("host", host), fmt::arg("reach", reached_at),
                     fmt::arg("at", reached_at == host ? std::string() : fmt::format(", at {}", reached_at)));
}

std::string docker_hub_mirror_hosts(const std::vector<std::string>& mirrors) {
  std::string text = "# Written by mk: docker.io pulls go through these mirrors first (--registry-mirror).\n"
                     "server = \"https://registry-1.docker.io\"\n";
  for (const auto& mirror : mirrors)
    text += fmt::format("\n[host.\"{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n", mirror);
  return text;
}

std::string kubelet_unit(const NodeFilesParams& p) {
  return fmt::format(R"ini([Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/home/
Wants=network-online.target containerd.service
After=network-online.target containerd.service

[Service]
ExecStart={bin}/kubelet
Restart=always
StartLimitInterval=0
RestartSec=600ms

[Install]
WantedBy=multi-user.target
)ini",
                     fmt::arg("bin", binaries_dir(p.version)));
}

bool kubelet_probes_docker(const k8s::Version& version) {
  return version < k8s::Version{1, 24, 0};
}

std::string docker_info_socket_unit() {
  return fmt::format(R"ini(# Written by mk: answers the kubelet's Docker probe at once (see {script}).
[Unit]
Description=mk: no Docker engine in this node, said at once

[Socket]
ListenStream={socket}
SocketMode=0600
Accept=yes

[Install]
WantedBy=sockets.target
)ini",
                     fmt::arg("socket", k_docker_info_socket), fmt::arg("script", k_docker_info_script));
}

std::string docker_info_service_unit() {
  return fmt::format(R"ini(# Written by mk: one answer per connection to {socket}.
[Unit]
Description=mk: answer a Docker probe

[Service]
ExecStart={script}
StandardInput=socket
StandardOutput=socket
StandardError=journal
)ini",
                     fmt::arg("socket", k_docker_info_socket), fmt::arg("script", k_docker_info_script));
}

std::string docker_info_script() {
  return R"sh(#!/bin/sh
# Written by mk. The kubelet (< 1.24) asks Docker's /info for its root directory at every start and waits 5 s
# when nothing answers. This node runs no Docker engine: the answer says so (no version, no storage driver), so
# cAdvisor registers no Docker handler, and the kubelet goes on at once. Any request gets this answer.
# the request's head ends with an empty line ("" or a lone CR)
while IFS= read -r line && [ ${#line} -gt 1 ]; do :; done
body='{"ID":"","ServerVersion":"","Driver":"","DockerRootDir":"/var/lib/docker","OperatingSystem":"no Docker engine in this node"}'
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' "${#body}" "$body"
)sh";
}

std::string kubelet_dropin(const NodeFilesParams& p) {
  std::string runtime;
  std::string wants = "containerd.service";
  if (kubelet_probes_docker(p.version)) {
    runtime += fmt::format(" --docker=unix://{}", k_docker_info_socket); // cAdvisor's own flag
    wants += " mk-docker-info.socket";
  }
  // kubelet < 1.24 defaults to the docker runtime; from 1.27 the endpoint is a KubeletConfiguration field
  if (p.version < k8s::Version{1, 24, 0}) runtime += " --container-runtime=remote";
  if (p.version < k8s::Version{1, 27, 0})
    runtime += fmt::format(" --container-runtime-endpoint=unix://{}", k_containerd_socket);
  return fmt::format(R"ini(# Written by mk.
[Unit]
Wants={wants}
After={wants}

[Service]
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
ExecStartPre={prep}
ExecStart=
ExecStart={bin}/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --config=/var/lib/kubelet/config.yaml{runtime} --hostname-override={name} --kubeconfig=/etc/kubernetes/kubelet.conf --node-ip={ip} $KUBELET_KUBEADM_ARGS

[Install]
)ini",
                     fmt::arg("prep", k_kubelet_prep), fmt::arg("bin", binaries_dir(p.version)),
                     fmt::arg("runtime", runtime), fmt::arg("name", p.node_name), fmt::arg("ip", p.node_ip),
                     fmt::arg("wants", wants));
}

namespace {
constexpr const char* k_sysctl_guard =
    R"sh(# The kubelet writes these kernel settings when they differ from what it wants, and fails when it cannot. They are
# not namespaced: written from here they would change the whole host (mk keeps /proc/sys read-only in the node).
# Show the kubelet its values through read-only bind mounts, in this node's mount namespace only.
guard=/run/mk-sysctl-guard
mkdir -p "$guard"
for setting in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
  kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
  key=${setting%=*} value=${setting#*=} file=/proc/sys/${setting%=*}
  [ "$(cat "$file" 2>/dev/null)" = "$value" ] && continue
  shown=$guard/$(echo "$key" | tr / .)
  echo "$value" >"$shown"
  mount --bind "$shown" "$file"
  mount -o remount,bind,ro "$file"
done
)sh";
} // namespace

std::string kubelet_prep_script(const NodeFilesParams& p) {
  return fmt::format(R"sh(#!/bin/sh
# Written by mk; runs before every kubelet start (ExecStartPre), so it must be idempotent.
set -eu
# the control plane's name (docker may rewrite /etc/hosts when the node restarts)
grep -q '[[:space:]]{host}$' /etc/hosts || printf '%s\t%s\n' '{ip}' '{host}' >>/etc/hosts
# a node container has no /dev/kmsg, which the kubelet refuses to start without; its OOM watcher reads EOF instead
[ -e /dev/kmsg ] || ln -sf /dev/null /dev/kmsg
# pods reach the world masqueraded as this node; between pods (every node's pod CIDR) addresses stay unchanged
masquerade="-s {cluster} ! -d {cluster} -m comment --comment mk-pod-masquerade -j MASQUERADE"
iptables -t nat -C POSTROUTING $masquerade 2>/dev/null || iptables -t nat -A POSTROUTING $masquerade
{guard})sh",
                     fmt::arg("host", p.control_plane_host),
                     fmt::arg("ip", p.control_plane_ip.empty() ? p.node_ip : p.control_plane_ip),
                     fmt::arg("cluster", p.cluster_cidr),
                     fmt::arg("guard", p.sysctl_guard ? k_sysctl_guard : ""));
}

std::string bridge_cni_config(const NodeFilesParams& p) {
  return fmt::format(R"json({{
  "cniVersion": "0.3.1",
  "name": "bridge",
  "plugins": [
    {{
      "type": "bridge",
      "bridge": "bridge",
      "addIf": "true",
      "isDefaultGateway": true,
      "forceAddress": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {{ "type": "host-local", "subnet": "{cidr}" }}
    }},
    {{ "type": "portmap", "capabilities": {{ "portMappings": true }} }}
  ]
}}
)json",
                     fmt::arg("cidr", p.pod_cidr));
}

std::string pod_routes_script(std::string_view cluster_cidr, const std::vector<PodRoute>& routes) {
  std::string wanted;
  for (const auto& route : routes)
    wanted += fmt::format(" {}={}", route.cidr, route.via);
  return fmt::format(R"sh(set -eu
wanted="{wanted} "
# routes into the cluster CIDR via a gateway: another node's pods; those not wanted any more go
ip -4 route show root {cluster} | while read -r cidr via gateway rest; do
  [ "$via" = via ] || continue
  case "$wanted" in *" $cidr=$gateway "*) ;; *) ip route del "$cidr" via "$gateway" ;; esac
done
for route in $wanted; do ip route replace "${{route%=*}}" via "${{route#*=}}"; done
)sh",
                     fmt::arg("wanted", wanted), fmt::arg("cluster", cluster_cidr));
}

std::string systemd_stop_timeout() {
  return "# Written by mk: pods whose PID 1 ignores SIGTERM would keep the node's shutdown waiting 90 s.\n"
         "[Manager]\nDefaultTimeoutStopSec=5s\n";
}

} // namespace mk::kube
