// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/apiserver.hpp"

#include "mk/cluster/kubernetes.hpp"

#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cluster {

namespace {
// how long a kubelet's posted status counts as a sign of life: the node controller's default grace period
constexpr auto k_node_heartbeat_grace = std::chrono::seconds(40);
} // namespace

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

std::optional<std::chrono::system_clock::time_point> parse_kubernetes_time(std::string_view text) {
  // RFC 3339 in UTC as Kubernetes writes it: 2026-11-28T22:59:01Z, or with microseconds (MicroTime)
  std::tm time{};
  int micros = 0;
  std::string copy(text);
  int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ", &time.tm_year, &time.tm_mon,
                           &time.tm_mday, &time.tm_hour, &time.tm_min, &time.tm_sec, &micros);
  if (fields < 6) return std::nullopt;
  if (fields == 6) micros = 0;
  time.tm_year -= 1900;
  time.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&time)) + std::chrono::microseconds(micros);
}

std::optional<bool> lease_alive(std::string_view lease_json, std::chrono::system_clock::time_point now) {
  auto document = nlohmann::json::parse(lease_json, nullptr, false);
  if (!document.is_object()) return std::nullopt;
  auto duration = document.value("/spec/leaseDurationSeconds"_json_pointer, 0);
  auto renewed = parse_kubernetes_time(document.value("/spec/renewTime"_json_pointer, std::string()));
  if (duration <= 0 || !renewed) return std::nullopt;
  return now - *renewed <= std::chrono::seconds(duration);
}

std::optional<bool> kubelet_alive(const ApiServer& server, std::string_view name) {
  auto response =
      api_get(server, fmt::format("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{}", name));
  if (!response) return std::nullopt;
  if (response->head.status == 200) return lease_alive(response->body, std::chrono::system_clock::now());
  if (response->head.status != 404) return std::nullopt;
  // no Lease yet: a kubelet that started before the API server retries creating it with a growing backoff (up
  // to 7 s), but it registered its Node and posted a status on the way
  auto node = api_get(server, fmt::format("/api/v1/nodes/{}", name));
  if (!node || node->head.status != 200) return std::nullopt;
  return node_heartbeat_alive(node->body, std::chrono::system_clock::now());
}

std::optional<bool> node_heartbeat_alive(std::string_view node_json,
                                         std::chrono::system_clock::time_point now) {
  auto document = nlohmann::json::parse(node_json, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  for (const auto& condition : document.value("/status/conditions"_json_pointer, nlohmann::json::array())) {
    if (condition.value("type", "") != "Ready") continue;
    auto heartbeat = parse_kubernetes_time(condition.value("lastHeartbeatTime", ""));
    if (heartbeat && now - *heartbeat <= k_node_heartbeat_grace) return true;
  }
  return std::nullopt; // an old status proves nothing either way (with a Lease the kubelet posts it rarely)
}

std::optional<bool> node_ready(const ApiServer& server, std::string_view name,
                               std::chrono::system_clock::time_point since) {
  auto response = api_get(server, fmt::format("/api/v1/nodes/{}", name));
  if (!response || response->head.status != 200) return std::nullopt;
  return node_ready_in(response->body, since);
}

std::optional<bool> node_ready_in(std::string_view node_json, std::chrono::system_clock::time_point since) {
  auto document = nlohmann::json::parse(node_json, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  for (const auto& condition : document.value("/status/conditions"_json_pointer, nlohmann::json::array())) {
    if (condition.value("type", "") != "Ready") continue;
    // the status a kubelet left before the node stopped stays until something overwrites it
    auto heartbeat = parse_kubernetes_time(condition.value("lastHeartbeatTime", ""));
    auto fresh = heartbeat && *heartbeat >= std::chrono::floor<std::chrono::seconds>(since);
    return condition.value("status", "") == "True" && fresh;
  }
  return false;
}

} // namespace mk::cluster
