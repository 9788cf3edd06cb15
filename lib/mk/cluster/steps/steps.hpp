// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/step.hpp"

// The steps `mk start` is made of, one file each; plan_start() in start.cpp orders them.
namespace mk::cluster::steps {

std::unique_ptr<Step> prepare_node_image();  // pulls the base image when missing
std::unique_ptr<Step> create_network();      // the cluster's network (a free private subnet)
std::unique_ptr<Step> create_node();         // volume + container, booting
std::unique_ptr<Step> start_node();          // starts the stopped container of an existing node
std::unique_ptr<Step> wait_for_boot();       // systemd in the node reports running (or degraded)
std::unique_ptr<Step> install_ssh_key();     // the node's key pair, authorised for user docker

// The node ports published on 127.0.0.1: ssh, the API server, docker, a registry, the auto-pause proxy.
std::vector<int> published_ports(int apiserver_port);

} // namespace mk::cluster::steps
