// SPDX-License-Identifier: Apache-2.0
#include "cmd/app.hpp"

#include "drivers/registry.hpp"
#include "mk/cluster/status.hpp"
#include "mk/driver/select.hpp"
#include "mk/exec/runner.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace mk::cmd {

namespace {

// Shows progress on the user's reporter and notes it in the log (so mk start's log reads like its output).
class LoggedReporter final : public ui::Reporter {
public:
  LoggedReporter(std::unique_ptr<ui::Reporter> inner, const core::Log& log)
      : m_inner(std::move(inner)), m_log(log) {}
  void step_started(std::string_view title) override {
    m_title = title;
    m_log.write(1, fmt::format("step: {}", title));
    m_inner->step_started(title);
  }
  void step_progress(std::string_view detail) override { m_inner->step_progress(detail); }
  void step_finished(bool ok) override {
    m_log.write(1, fmt::format("step {}: {}", ok ? "done" : "FAILED", m_title));
    m_inner->step_finished(ok);
  }
  void info(std::string_view line) override {
    m_log.write(1, fmt::format("info: {}", line));
    m_inner->info(line);
  }
  void warning(std::string_view line) override {
    m_log.write(1, fmt::format("warning: {}", line));
    m_inner->warning(line);
  }
  bool interactive() const override { return m_inner->interactive(); }

private:
  std::unique_ptr<ui::Reporter> m_inner;
  const core::Log& m_log;
  std::string m_title;
};

std::unique_ptr<ui::Reporter> make_reporter(const Invocation& invocation, const core::Log& log) {
  auto console = invocation.output == "json" ? ui::make_silent_reporter() : ui::make_console_reporter(stdout);
  return std::make_unique<LoggedReporter>(std::move(console), log);
}

// mk start (not --dry-run) records its whole run in MK_HOME/logs/lastStart.txt.
void record_start(const Invocation& invocation, core::Log& log, const core::Paths& paths) {
  if (invocation.command != "start" || invocation.start.dry_run) return;
  if (!log.record_to(paths.logs_dir() / "lastStart.txt")) return;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  log.write(1, fmt::format("mk start log, written at every start; machine {}", host));
  log.write(1, fmt::format("command line: {}", exec::shell_quote(invocation.argv)));
}

} // namespace

App::App(const Invocation& invocation)
    : m_invocation(invocation), m_log(invocation.verbosity), m_host(m_log),
      m_reporter(make_reporter(invocation, m_log)), m_env{core::Paths::from_environment(), m_log, m_host,
                                                          *m_reporter} {
  record_start(invocation, m_log, m_env.paths);
}

Result<driver::Driver*> App::existing_profile_driver() {
  const auto& profile = m_invocation.profile;
  if (!MK_TRY(m_env.store.load(profile))) return fail(cluster::profile_not_found(profile));
  return driver_for_profile(profile);
}

driver::Driver* App::driver_named(std::string_view name) {
  if (auto it = m_drivers.find(name); it != m_drivers.end()) return it->second.get();
  const auto* info = drivers::find_driver(name);
  if (!info) return nullptr;
  auto [it, inserted] = m_drivers.emplace(std::string(name), info->make(m_host, m_log, m_env.paths));
  return it->second.get();
}

Result<driver::Driver*> App::driver_for_profile(std::string_view profile, std::string_view requested) {
  std::string existing;
  if (auto config = m_env.store.load(profile); config && *config) existing = (*config)->driver;
  const auto* info = MK_TRY(driver::select_driver(drivers::builtin_drivers(), requested, existing));
  return driver_named(info->name);
}

} // namespace mk::cmd
