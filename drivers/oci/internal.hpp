// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the OCI driver's files share (internal to drivers/oci): how the engines' messages are read, how long
// engine requests may take, what this process may grant a node.
#include "mk/exec/runner.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mk::drivers::oci {

inline bool mentions(std::string_view text, std::initializer_list<std::string_view> needles) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return lower.find(n) != std::string::npos; });
}

inline bool is_missing(const exec::RunResult& result) {
  return mentions(result.err, {"no such", "not found", "could not find"});
}

// What the CLIs print when they cannot reach their engine (not a registry's "connection refused": a pull that
// cannot reach its registry is a download error).
inline bool is_unreachable(const exec::RunResult& result) {
  return !result.ok() && mentions(result.err, {"cannot connect to the docker daemon",
                                               "is the docker daemon running", "error during connect",
                                               "unable to connect to podman", "cannot connect to podman"});
}

// Engine requests that answer at once on a healthy engine (inspect, ls, version) wait this long at most;
// everything else longer.
inline constexpr std::chrono::seconds k_query_timeout{15};
inline constexpr std::chrono::minutes k_request_timeout{5};

// Whether this process's capability bounding set is complete (then a node can be --privileged).
bool local_bounding_set_complete();

} // namespace mk::drivers::oci
