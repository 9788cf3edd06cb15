// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/exec/runner.hpp"

#include <filesystem>

// A cluster's node-to-node network for VM nodes: a vde_switch (Debian's vde2) whose ports are unix sockets in
// one directory, so that traffic between nodes never touches the host's IP stack or any address outside it.
// Each VM joins with a second NIC (qemu's vde netdev) that has a static address on the cluster's subnet.
// The switch's directory: MK_HOME/networks/<network>/ with ctl/ (the switch's sockets) and switch.pid.
namespace mk::drivers::qemu {

// Whether vde_switch is installed (without it, VM nodes have user-mode networking only).
bool switch_available();

// The directory qemu's vde netdev joins.
std::filesystem::path switch_socket(const std::filesystem::path& dir);

// Starts the switch of `dir` unless it runs; true when this call started it.
Result<bool> ensure_switch(exec::Runner& host, const std::filesystem::path& dir);

// Stops the switch of `dir` (by its recorded pid, checked to be that switch) and removes `dir`.
Status remove_switch(const std::filesystem::path& dir);

} // namespace mk::drivers::qemu
