// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"

#include "mk/cluster/kubernetes.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cluster {

ApiServer api_server(const core::Paths& paths, const config::ClusterConfig& config) {
  auto certificates = profile_certificates(paths, config.name);
  ApiServer server;
  server.base_url = fmt::format("https://127.0.0.1:{}", apiserver_host_port(config));
  server.tls.ca_file = paths.ca_cert().string();
  server.tls.client_cert_file = certificates.client_cert.string();
  server.tls.client_key_file = certificates.client_key.string();
  return server;
}

Result<net::HttpResponse> api_get(const ApiServer& server, std::string_view path,
                                  std::chrono::milliseconds timeout) {
  net::HttpRequest request;
  request.url = server.base_url + std::string(path);
  request.tls = server.tls;
  request.connect_timeout = timeout;
  request.idle_timeout = timeout;
  request.use_proxy_environment = false;
  return net::http_get(request);
}

std::string apiserver_health(const ApiServer& server) {
  auto response = api_get(server, "/healthz", std::chrono::seconds(2));
  if (!response) return "Stopped";
  return response->head.status == 200 ? "Running" : "Error";
}

std::optional<bool> node_ready(const ApiServer& server, std::string_view name) {
  auto response = api_get(server, fmt::format("/api/v1/nodes/{}", name));
  if (!response || response->head.status != 200) return std::nullopt;
  auto document = nlohmann::json::parse(response->body, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  for (const auto& condition : document.value("/status/conditions"_json_pointer, nlohmann::json::array()))
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  return false;
}

} // namespace mk::cluster
