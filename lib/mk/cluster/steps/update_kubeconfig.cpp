// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"
#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/steps/steps.hpp"
#include "mk/kube/kubeconfig.hpp"

#include <fmt/format.h>

namespace mk::cluster::steps {

namespace {
class UpdateKubeconfig final : public Step {
public:
  std::string title(const StartContext& context) const override {
    return fmt::format("Configuring kubectl context \"{}\" in {}", context.config.name,
                       kube::kubeconfig_path().string());
  }

  Status run(StartContext& context) override {
    const auto& config = context.config;
    auto certificates = profile_certificates(context.env.paths, config.name);
    kube::KubeconfigEntry entry;
    entry.name = config.name;
    entry.server = api_server(context.env.paths, config).base_url;
    entry.certificate_authority = context.env.paths.ca_cert().string();
    entry.client_certificate = certificates.client_cert.string();
    entry.client_key = certificates.client_key.string();
    return kube::write_kubeconfig_entry(kube::kubeconfig_path(), entry, !context.request.keep_context);
  }
};
} // namespace

std::unique_ptr<Step> update_kubeconfig() {
  return std::make_unique<UpdateKubeconfig>();
}

} // namespace mk::cluster::steps
