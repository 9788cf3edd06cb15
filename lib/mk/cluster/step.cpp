// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/step.hpp"

#include "mk/core/interrupt.hpp"

#include <exception>
#include <fmt/format.h>

namespace mk::cluster {

std::string Rollback::describe() const {
  std::string text;
  for (auto it = m_actions.rbegin(); it != m_actions.rend(); ++it)
    text += (text.empty() ? "" : ", ") + it->what;
  return text;
}

void Rollback::run(ui::Reporter& ui) {
  if (m_actions.empty()) return;
  core::InterruptShield shield;
  try {
    ui.info(fmt::format("Undoing what this command created: {}", describe()));
  } catch (...) {
  }
  while (!m_actions.empty()) {
    core::set_abort_message(fmt::format("not undone: {}", describe()));
    auto action = std::move(m_actions.back());
    m_actions.pop_back();
    try {
      if (auto undone = action.undo(); !undone)
        ui.warning(fmt::format("could not {}: {}", action.what, undone.error().summary()));
    } catch (const std::exception& e) {
      try {
        ui.warning(fmt::format("could not {}: {}", action.what, e.what()));
      } catch (...) {
      }
    }
  }
  core::set_abort_message({});
}

static Error interrupted_error() {
  return Error{ErrorCode::interrupted, "interrupted", {}, {}, {}};
}

Status run_guarded(StartContext& context, const std::function<Status()>& work) {
  RollbackGuard guard(context.rollback, context.env.ui);
  Status result;
  try {
    result = work();
  } catch (const std::exception& e) {
    result = fail(ErrorCode::failure, fmt::format("unexpected failure: {}", e.what()));
  }
  if (!result) {
    auto error = std::move(result).error();
    if (core::interrupted()) error.code = ErrorCode::interrupted;
    return fail(std::move(error));
  }
  if (core::interrupted()) return fail(ErrorCode::interrupted, "interrupted");
  guard.commit();
  return {};
}

Status run_steps(const std::vector<std::unique_ptr<Step>>& steps, StartContext& context) {
  for (const auto& step : steps) {
    if (core::interrupted()) return fail(interrupted_error());
    std::string title;
    Status result;
    try {
      title = step->title(context);
      context.env.ui.step_started(title);
      result = step->run(context);
    } catch (const std::exception& e) {
      result = fail(ErrorCode::failure, fmt::format("{}: unexpected failure: {}", title, e.what()));
    }
    context.env.ui.step_finished(result.has_value());
    if (!result) {
      // an interrupt is reported as such, not as the failure of the command it stopped
      if (core::interrupted() || result.error().code == ErrorCode::interrupted)
        return fail(ErrorCode::interrupted, fmt::format("interrupted during \"{}\"", title));
      return fail(std::move(result).error());
    }
  }
  if (core::interrupted()) return fail(interrupted_error());
  return {};
}

} // namespace mk::cluster
