// SPDX-License-Identifier: Apache-2.0
// mk's entry point: parses the command line, runs one command, and is the only place that turns an error into
// output on stderr and an exit code.
#include "cmd/app.hpp"
#include "mk/config/defaults.hpp"
#include "mk/config/validate.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/runner.hpp"
#include "mk/ui/reporter.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace {

using namespace mk;

// The error as mk prints it: the summary, then the failed command, its exit code and output, then advice.
std::string error_text(const Error& error, bool colour) {
  auto text = fmt::format("{} {}\n", colour ? "\033[31m✗\033[0m" : "✗", error.summary());
  if (error.command) {
    const auto& c = *error.command;
    text += fmt::format("  command: {}\n  exit code: {}\n", exec::shell_quote(c.argv), c.exit_code);
    auto output = core::trim(c.err).empty() ? c.out : c.err;
    if (!core::trim(output).empty())
      text += fmt::format("  output:\n{}", core::indent(core::last_lines(output, 15), "    "));
  }
  if (!error.advice.empty()) text += fmt::format("  hint: {}\n", error.advice);
  return text;
}

void print_error(const Error& error) {
  fmt::print(stderr, "{}", error_text(error, ui::use_colour(stderr)));
}

Result<int> dispatch(cmd::App& app) {
  const auto& command = app.invocation().command;
  // -p becomes paths, lock files and engine object names: checked once, before any command touches them.
  bool ignores_profile = command == "profile list" || command == "profile" || command.starts_with("config") ||
                         (command == "delete" && app.invocation().all);
  if (!ignores_profile) MK_TRY(config::validate_profile_name(app.invocation().profile));
  if (command == "start") return cmd::run_start(app);
  if (command == "stop") return cmd::run_stop(app);
  if (command == "delete") return cmd::run_delete(app);
  if (command == "status") return cmd::run_status(app);
  if (command == "ssh") return cmd::run_ssh(app);
  if (command == "kubectl") return cmd::run_kubectl(app);
  if (command == "node list") return cmd::run_node_list(app);
  if (command == "node add") return cmd::run_node_add(app);
  if (command == "node delete") return cmd::run_node_delete(app);
  if (command == "node stop") return cmd::run_node_stop(app);
  if (command == "node start") return cmd::run_node_start(app);
  if (command == "pause") return cmd::run_pause(app);
  if (command == "unpause") return cmd::run_unpause(app);
  if (command == "ip") return cmd::run_ip(app);
  if (command == "update-context") return cmd::run_update_context(app);
  if (command == "profile list") return cmd::run_profile_list(app);
  if (command == "profile") return cmd::run_profile_default(app);
  if (command == "config set") return cmd::run_config_set(app);
  if (command == "config get") return cmd::run_config_get(app);
  if (command == "config unset") return cmd::run_config_unset(app);
  if (command == "config view") return cmd::run_config_view(app);
  if (command == "addons list") return cmd::run_addons_list(app);
  if (command == "addons enable") return cmd::run_addons_enable(app);
  if (command == "addons disable") return cmd::run_addons_disable(app);
  if (command == "addons images") return cmd::run_addons_images(app);
  if (command == "dashboard") return cmd::run_dashboard(app);
  if (command == "image load") return cmd::run_image_load(app);
  if (command == "image ls") return cmd::run_image_ls(app);
  if (command == "image rm") return cmd::run_image_rm(app);
  if (command == "service") return cmd::run_service(app);
  if (command == "service list") return cmd::run_service_list(app);
  if (command == "logs") return cmd::run_logs(app);
  if (command == "cp") return cmd::run_cp(app);
  if (command == "version") return cmd::run_version(app);
  if (command == "cache list") return cmd::run_cache_list(app);
  if (command == "cache export") return cmd::run_cache_export(app);
  if (command == "cache import") return cmd::run_cache_import(app);
  if (command == "completion") {
    fmt::print("{}", cmd::completion_script(app.invocation().arguments.front()));
    return 0;
  }
  return fail(ErrorCode::usage, fmt::format("unknown command \"{}\"", command));
}

} // namespace

int main(int argc, char** argv) {
  auto parsed = cmd::parse_command_line(argc, argv);
  if (!parsed.invocation) return parsed.exit_code;
  core::install_interrupt_handler();
  try {
    // without -p, the profile mk config names (mk profile NAME), else mk's default
    if (!parsed.invocation->profile_given) {
      auto defaults = config::load_defaults(core::Paths::from_environment());
      if (!defaults) {
        print_error(defaults.error());
        return core::exit_code_for(defaults.error().code);
      }
      if (auto it = defaults->find("profile"); it != defaults->end()) parsed.invocation->profile = it->second;
    }
    cmd::App app(*parsed.invocation);
    auto result = dispatch(app);
    if (result) return *result;
    print_error(result.error());
    app.log().record("mk failed:\n" + error_text(result.error(), false)); // into mk start's log too
    // an interrupted command exits as the shells expect: 128 + the signal (130 SIGINT, 143 SIGTERM, 129
    // SIGHUP)
    if (result.error().code == ErrorCode::interrupted && core::interrupt_signal() != 0)
      return 128 + core::interrupt_signal();
    return core::exit_code_for(result.error().code);
  } catch (const std::exception& e) {
    fmt::print(stderr, "✗ internal error: {}\n", e.what());
    return 1;
  }
}
