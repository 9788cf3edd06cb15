// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/config/cluster.hpp"
#include "mk/core/paths.hpp"
#include "mk/net/http.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace mk::cluster {

// A way to talk to a cluster's API server from the host: https://127.0.0.1:<published port>, verified against
// mk's CA, authenticated with the profile's client certificate.
struct ApiServer {
  std::string base_url;
  net::TlsOptions tls;
};
ApiServer api_server(const core::Paths& paths, const config::ClusterConfig& config);

// GET `path`; the response (any status), or a network error.
Result<net::HttpResponse> api_get(const ApiServer& server, std::string_view path,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

// "Running" (GET /healthz answered 200), "Stopped" (no connection) or "Error" (another answer).
std::string apiserver_health(const ApiServer& server);

// Whether the kubelet of node `name` is alive by Kubernetes' own measure: its node Lease was renewed within
// the lease's duration (40 s by default; the kubelet renews it every quarter of that). nullopt when the API
// server cannot say. Before the kubelet has created its Lease, a Node status it posted within the last 40 s
// counts instead; without either, nullopt (the caller then asks the node).
std::optional<bool> kubelet_alive(const ApiServer& server, std::string_view name);
// true when a Node's JSON has a Ready condition (of any status) whose heartbeat is at most 40 s before `now`;
// nullopt otherwise.
std::optional<bool> node_heartbeat_alive(std::string_view node_json,
                                         std::chrono::system_clock::time_point now);
// The same from a Lease's JSON at time `now`; nullopt when it has no renew time or duration.
std::optional<bool> lease_alive(std::string_view lease_json, std::chrono::system_clock::time_point now);

// Whether node `name` reports Ready in a status its kubelet sent at `since` or later (a restarted node's old
// Ready status does not count); nullopt when the API server cannot say.
std::optional<bool> node_ready(const ApiServer& server, std::string_view name,
                               std::chrono::system_clock::time_point since);
// The same from a Node's JSON.
std::optional<bool> node_ready_in(std::string_view node_json, std::chrono::system_clock::time_point since);
// A time as Kubernetes writes it (RFC 3339, UTC, optional fraction); nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_kubernetes_time(std::string_view text);

} // namespace mk::cluster
