// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/service.hpp"

#include "mk/cluster/kubernetes.hpp"
#include "mk/cluster/nodes.hpp"
#include "mk/cluster/status.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mk::cluster {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Primary {
  config::ClusterConfig config;
  k8s::Version version;
  std::string address;
};

// The running primary of a Kubernetes cluster and its address.
Result<Primary> running_primary(Env& env, driver::Driver& driver, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  if (!config->kubernetes_enabled)
    return fail(ErrorCode::usage,
                fmt::format("cluster {} runs without Kubernetes: it has no Services", profile));
  MK_TRY(refuse_paused(*config));
  auto info = MK_TRY(driver.inspect_node(config->primary()->name));
  if (info.state != driver::State::running) return fail(not_running(profile));
  auto version = MK_TRY(k8s::parse_version(config->kubernetes.version));
  return Primary{std::move(*config), version, info.ip};
}

Result<json> kubectl_json(driver::Driver& driver, const Primary& primary, std::vector<std::string> args,
                          ErrorCode not_found_code, std::string not_found_message) {
  auto runner = driver.node_runner(primary.config.primary()->name);
  args.insert(args.end(), {"-o", "json"});
  auto result = MK_TRY(runner->run(admin_kubectl(primary.version, std::move(args), 30s)));
  if (!result.ok()) {
    if (result.err.find("NotFound") != std::string::npos || result.err.find("not found") != std::string::npos)
      return fail(not_found_code, std::move(not_found_message));
    return fail(exec::command_error(result, "cannot read the Services", ErrorCode::kubernetes_failed));
  }
  auto document = json::parse(result.out, nullptr, false);
  if (document.is_discarded())
    return fail(ErrorCode::kubernetes_failed, "kubectl printed something that is not JSON");
  return document;
}

// One port of a Service; its URL at `address` when it has a NodePort (`host_port` when one reaches it).
ServicePort port_row(const json& service, const json& port, const std::string& address, int host_port = 0) {
  ServicePort row{service["metadata"].value("namespace", ""), service["metadata"].value("name", ""),
                  port.value("name", ""), "", ""};
  if (row.port.empty()) row.port = std::to_string(port.value("port", 0));
  const auto& target = port.value("targetPort", json());
  row.target = target.is_string() ? target.get<std::string>() : target.is_number() ? target.dump() : "";
  int node_port = port.value("nodePort", 0);
  if (node_port > 0) row.url = fmt::format("http://{}:{}", address, host_port > 0 ? host_port : node_port);
  return row;
}

} // namespace

Result<std::vector<ServicePort>> service_urls(Env& env, driver::Driver& driver, std::string_view profile,
                                              std::string_view service_namespace, std::string_view name) {
  auto primary = MK_TRY(running_primary(env, driver, profile));
  auto service = MK_TRY(kubectl_json(
      driver, primary, {"get", "service", std::string(name), "-n", std::string(service_namespace)},
      ErrorCode::not_found, fmt::format("service {} not found in namespace {}", name, service_namespace)));
  std::vector<ServicePort> ports;
  for (const auto& port : service["spec"].value("ports", json::array())) {
    int node_port = port.value("nodePort", 0);
    if (node_port <= 0) continue;
    auto forwarded = MK_TRY(driver.loopback_forward(primary.config.primary()->name, node_port));
    auto row = forwarded ? port_row(service, port, "127.0.0.1", *forwarded)
                         : port_row(service, port, primary.address);
    ports.push_back(std::move(row));
  }
  if (ports.empty())
    return fail(Error{ErrorCode::usage,
                      fmt::format("service {}/{} has no NodePort ({}): the host cannot reach it",
                                  service_namespace, name, service["spec"].value("type", "ClusterIP")),
                      {},
                      {},
                      fmt::format("make it a NodePort Service: mk kubectl -p {} -- patch service {} -n {} -p "
                                  "'{{\"spec\":{{\"type\":\"NodePort\"}}}}'",
                                  profile, name, service_namespace)});
  return ports;
}

Result<std::vector<ServicePort>> list_services(Env& env, driver::Driver& driver, std::string_view profile,
                                               std::string_view service_namespace) {
  auto primary = MK_TRY(running_primary(env, driver, profile));
  std::vector<std::string> args = {"get", "services"};
  if (service_namespace.empty())
    args.push_back("--all-namespaces");
  else
    args.insert(args.end(), {"-n", std::string(service_namespace)});
  auto list = MK_TRY(kubectl_json(driver, primary, args, ErrorCode::not_found, "no Services"));
  std::vector<ServicePort> rows;
  for (const auto& service : list.value("items", json::array()))
    for (const auto& port : service["spec"].value("ports", json::array())) {
      int node_port = port.value("nodePort", 0);
      auto forwarded = node_port > 0
                           ? MK_TRY(driver.loopback_forward(primary.config.primary()->name, node_port))
                           : std::optional<int>{};
      rows.push_back(forwarded ? port_row(service, port, "127.0.0.1", *forwarded)
                               : port_row(service, port, primary.address));
    }
  return rows;
}

} // namespace mk::cluster
