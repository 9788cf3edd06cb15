// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/step.hpp"

#include <fmt/format.h>

namespace mk::cluster {

void Rollback::run(ui::Reporter& ui) {
  for (auto it = m_actions.rbegin(); it != m_actions.rend(); ++it) {
    if (auto undone = it->undo(); !undone)
      ui.warning(fmt::format("could not {}: {}", it->what, undone.error().summary()));
  }
  m_actions.clear();
}

Status run_steps(const std::vector<std::unique_ptr<Step>>& steps, StartContext& context) {
  for (const auto& step : steps) {
    auto title = step->title(context);
    context.env.ui.step_started(title);
    auto result = step->run(context);
    context.env.ui.step_finished(result.has_value());
    if (!result) return fail(std::move(result).error());
  }
  return {};
}

} // namespace mk::cluster
