// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

// `mk service`: the URLs at which the host reaches a cluster's NodePort Services.
namespace mk::cluster {

// One port of a Service.
struct ServicePort {
  std::string service_namespace;
  std::string service;
  std::string port;   // its name, else its number
  std::string target; // the target port
  std::string url;    // http://<address>:<port>; empty when the port has no NodePort
};

// The URLs of Service `name` in `service_namespace`: the primary node's address and each NodePort, or a
// loopback forward made now where the driver needs one (qemu user-mode networking: 127.0.0.1). not_found
// when the Service does not exist; usage when it has no NodePort (a ClusterIP Service is not reachable from
// the host).
Result<std::vector<ServicePort>> service_urls(Env& env, driver::Driver& driver, std::string_view profile,
                                              std::string_view service_namespace, std::string_view name);

// Every port of every Service of `service_namespace` (empty: all namespaces); URLs (as service_urls makes
// them, loopback forwards included) only for NodePorts.
Result<std::vector<ServicePort>> list_services(Env& env, driver::Driver& driver, std::string_view profile,
                                               std::string_view service_namespace);

} // namespace mk::cluster
