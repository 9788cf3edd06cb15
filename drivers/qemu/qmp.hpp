// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mk::drivers::qemu {

// Runs one QMP command (with `arguments` when not null) on the machine monitor at `socket` (greeting,
// capabilities negotiation, the command) and returns its "return" value. driver_failed when nobody listens,
// qemu answers with an error, or no answer comes within `timeout`.
Result<nlohmann::json> qmp_execute(const std::filesystem::path& socket, std::string_view command,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(3),
                                   const nlohmann::json& arguments = nullptr);

} // namespace mk::drivers::qemu
