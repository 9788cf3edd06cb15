// SPDX-License-Identifier: Apache-2.0
#include "mk/ui/transfers.hpp"

#include <fmt/format.h>

namespace mk::ui {

using Clock = std::chrono::steady_clock;

std::string Transfers::bytes(uint64_t count) {
  if (count >= 1000 * 1000) return fmt::format("{:.1f} MB", static_cast<double>(count) / 1e6);
  if (count >= 1000) return fmt::format("{:.0f} kB", static_cast<double>(count) / 1e3);
  return fmt::format("{} B", count);
}

void Transfers::update(const std::string& name, uint64_t done, std::optional<uint64_t> total) {
  std::lock_guard lock(m_mutex);
  auto [it, inserted] = m_transfers.try_emplace(name);
  auto& transfer = it->second;
  if (inserted) {
    transfer.start = Clock::now();
    if (!m_ui.interactive())
      m_ui.info(total ? fmt::format("downloading {} ({})", name, bytes(*total))
                      : fmt::format("downloading {}", name));
  }
  transfer.done = done;
  transfer.total = total;
  if (m_ui.interactive() && Clock::now() - m_last_render > std::chrono::milliseconds(100)) render();
}

void Transfers::finish(const std::string& name, bool ok) {
  std::lock_guard lock(m_mutex);
  auto it = m_transfers.find(name);
  if (it == m_transfers.end() || it->second.finished) return;
  auto& transfer = it->second;
  transfer.finished = true;
  if (!m_ui.interactive()) {
    auto seconds = std::chrono::duration<double>(Clock::now() - transfer.start).count();
    if (ok)
      m_ui.info(fmt::format(
          "{}: {} in {:.1f}s ({}/s)", name, bytes(transfer.done), seconds,
          bytes(static_cast<uint64_t>(static_cast<double>(transfer.done) / std::max(seconds, 0.001)))));
    else
      m_ui.info(fmt::format("{}: failed after {}", name, bytes(transfer.done)));
  } else {
    render();
  }
}

void Transfers::render() {
  m_last_render = Clock::now();
  std::string line;
  for (const auto& [name, t] : m_transfers) {
    if (!line.empty()) line += "  ";
    if (t.finished) {
      line += fmt::format("{} ✓", name);
      continue;
    }
    auto seconds = std::chrono::duration<double>(Clock::now() - t.start).count();
    double rate = seconds > 0.2 ? static_cast<double>(t.done) / seconds : 0;
    if (t.total && *t.total > 0) {
      constexpr int k_width = 10;
      auto filled = static_cast<int>(static_cast<double>(t.done) * k_width / static_cast<double>(*t.total));
      std::string bar(static_cast<size_t>(std::min(filled, k_width)), '=');
      bar.resize(k_width, ' ');
      auto eta = rate > 0 ? fmt::format(" ETA {:.0f}s",
                                        static_cast<double>(*t.total - std::min(t.done, *t.total)) / rate)
                          : "";
      line += fmt::format("{} [{}] {}/{} {}/s{}", name, bar, bytes(t.done), bytes(*t.total),
                          bytes(static_cast<uint64_t>(rate)), eta);
    } else {
      line += fmt::format("{} {} {}/s", name, bytes(t.done), bytes(static_cast<uint64_t>(rate)));
    }
  }
  m_ui.step_progress(line);
}

} // namespace mk::ui
