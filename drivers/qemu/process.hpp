// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace mk::drivers::qemu {

// The process whose pid `pidfile` records, when it runs and its command line contains `marker` (a pid the
// system gave to another process since is not it); a zombie (exited, not yet reaped) does not run.
std::optional<int> recorded_process(const std::filesystem::path& pidfile, std::string_view marker);

// Whether process `pid` runs (a zombie does not).
bool process_alive(int pid);

} // namespace mk::drivers::qemu
