// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/core/fs.hpp"
#include "mk/net/ipv4.hpp"
#include "mk/pki/pki.hpp"

#include <fmt/format.h>
#include <functional>
#include <future>
#include <vector>

namespace mk::cluster::steps {

namespace {
// Runs `tasks` at the same time; the first failure (in the order given), else success.
Status all_of(std::vector<std::function<Result<bool>()>> tasks) {
  std::vector<std::future<Result<bool>>> runs;
  for (auto& task : tasks)
    runs.push_back(std::async(std::launch::async, task));
  Status result;
  for (auto& run : runs)
    if (auto made = run.get(); !made && result) result = fail(std::move(made).error());
  return result;
}
} // namespace

Status ensure_certificate_authorities(const core::Paths& paths) {
  // shared by every profile: two starts must not generate them at once
  auto lock = MK_TRY(core::FileLock::acquire(paths.locks_dir() / "ca.lock", std::chrono::minutes(1), [] {}));
  return all_of({[&] { return pki::ensure_ca(paths.ca_cert(), paths.ca_key(), "mkCA"); },
                 [&] {
                   return pki::ensure_ca(paths.proxy_client_ca_cert(), paths.proxy_client_ca_key(),
                                         "proxyClientCA");
                 }});
}

namespace {
class GenerateCertificates final : public Step {
public:
  std::string title(const StartContext&) const override { return "Generating certificates"; }

  Status run(StartContext& context) override {
    const auto& paths = context.env.paths;
    const auto& config = context.config;
    const auto& node = config.nodes.front();
    MK_TRY(ensure_certificate_authorities(paths));
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

    pki::LeafSpec client;
    client.common_name = "mk-user";
    client.organizations = {"system:masters"};
    client.server_auth = false;

    pki::LeafSpec proxy;
    proxy.common_name = "aggregator";
    proxy.server_auth = false;
    // each needs a new key: made side by side
    return all_of({[&] {
                     return pki::ensure_leaf(files.apiserver_cert, files.apiserver_key, paths.ca_cert(),
                                             paths.ca_key(), apiserver);
                   },
                   [&] {
                     return pki::ensure_leaf(files.client_cert, files.client_key, paths.ca_cert(),
                                             paths.ca_key(), client);
                   },
                   [&] {
                     return pki::ensure_leaf(files.proxy_client_cert, files.proxy_client_key,
                                             paths.proxy_client_ca_cert(), paths.proxy_client_ca_key(),
                                             proxy);
                   }});
  }
};
} // namespace

std::unique_ptr<Step> generate_certificates() {
  return std::make_unique<GenerateCertificates>();
}

} // namespace mk::cluster::steps
