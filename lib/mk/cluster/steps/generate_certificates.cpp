// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/fs.hpp"
#include "mk/net/ipv4.hpp"
#include "mk/pki/pki.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class GenerateCertificates final : public Step {
public:
  std::string title(const StartContext&) const override { return "Generating certificates"; }

  Status run(StartContext& context) override {
    const auto& paths = context.env.paths;
    const auto& config = context.config;
    const auto& node = config.nodes.front();
    {
      // the CAs are shared by every profile: two starts must not generate them at once
      auto lock =
          MK_TRY(core::FileLock::acquire(paths.locks_dir() / "ca.lock", std::chrono::minutes(1), [] {}));
      MK_TRY(pki::ensure_ca(paths.ca_cert(), paths.ca_key(), "mkCA"));
      MK_TRY(pki::ensure_ca(paths.proxy_client_ca_cert(), paths.proxy_client_ca_key(), "proxyClientCA"));
    }
    auto service_ip = MK_TRY(net::parse_cidr(config.kubernetes.service_cidr)).first_host().to_string();
    const auto& domain = config.kubernetes.dns_domain;
    auto files = profile_certificates(paths, config.name);

    pki::LeafSpec apiserver;
    apiserver.common_name = "mk";
    apiserver.dns_names = {k_control_plane_host,
                           node.name,
                           "kubernetes.default.svc." + domain,
                           "kubernetes.default.svc",
                           "kubernetes.default",
                           "kubernetes",
                           "localhost"};
    apiserver.ip_addresses = {node.ip, service_ip, "127.0.0.1", "10.0.0.1"};
    MK_TRY(pki::ensure_leaf(files.apiserver_cert, files.apiserver_key, paths.ca_cert(), paths.ca_key(),
                            apiserver));

    pki::LeafSpec client;
    client.common_name = "mk-user";
    client.organizations = {"system:masters"};
    client.server_auth = false;
    MK_TRY(pki::ensure_leaf(files.client_cert, files.client_key, paths.ca_cert(), paths.ca_key(), client));

    pki::LeafSpec proxy;
    proxy.common_name = "aggregator";
    proxy.server_auth = false;
    MK_TRY(pki::ensure_leaf(files.proxy_client_cert, files.proxy_client_key, paths.proxy_client_ca_cert(),
                            paths.proxy_client_ca_key(), proxy));
    return {};
  }
};
} // namespace

std::unique_ptr<Step> generate_certificates() {
  return std::make_unique<GenerateCertificates>();
}

} // namespace mk::cluster::steps
