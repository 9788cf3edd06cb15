// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/ui/reporter.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mk::ui {

// Shows transfers that run at the same time: on a smart terminal one line of bars in the running step (bytes,
// rate, ETA per transfer), otherwise one plain line when a transfer starts and one when it ends. Thread-safe.
class Transfers {
public:
  explicit Transfers(Reporter& ui) : m_ui(ui) {}
  // Records progress of transfer `name`: `done` bytes of `total` (when known).
  void update(const std::string& name, uint64_t done, std::optional<uint64_t> total);
  // Marks `name` finished (or failed).
  void finish(const std::string& name, bool ok);

  // "12.3 MB", "850 kB"
  static std::string bytes(uint64_t count);

private:
  struct Transfer {
    std::chrono::steady_clock::time_point start;
    uint64_t done = 0;
    std::optional<uint64_t> total;
    bool finished = false;
  };
  void render(); // caller holds m_mutex
  Reporter& m_ui;
  std::mutex m_mutex;
  std::map<std::string, Transfer> m_transfers;
  std::chrono::steady_clock::time_point m_last_render{};
};

} // namespace mk::ui
