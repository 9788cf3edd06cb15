// SPDX-License-Identifier: Apache-2.0
#include "cmd/app.hpp"

#include "drivers/registry.hpp"
#include "mk/driver/select.hpp"

namespace mk::cmd {

App::App(const Invocation& invocation)
    : m_invocation(invocation), m_log(invocation.verbosity), m_host(m_log),
      m_reporter(invocation.output == "json" ? ui::make_silent_reporter()
                                             : ui::make_console_reporter(stdout)),
      m_env{core::Paths::from_environment(), m_log, m_host, *m_reporter} {}

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
