// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace mk::ui {

// User-facing progress of a command: titled steps that end with ✓ or ✗, plus notes and warnings. Diagnostics
// go to core::Log instead.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void step_started(std::string_view title) = 0;
  // Replaces the running step's detail ("pulling kube-apiserver 40%"); shown only on a smart terminal.
  virtual void step_progress(std::string_view detail) = 0;
  virtual void step_finished(bool ok) = 0;
  // A note the user should see ("Using image repository ..."), printed on its own line.
  virtual void info(std::string_view line) = 0;
  virtual void warning(std::string_view line) = 0;
  // Whether progress is shown in place (a smart terminal); otherwise only whole lines are printed.
  virtual bool interactive() const = 0;
};

// Whether `stream` is a terminal that understands cursor movement (isatty, TERM not "dumb").
bool is_smart_terminal(std::FILE* stream);

// Whether colour may be used on `stream` (a smart terminal and NO_COLOR unset).
bool use_colour(std::FILE* stream);

// Prints to a stream. On a smart terminal the running step has a spinner and its elapsed time, overprinted in
// place; otherwise only finished steps are printed, one plain line each ("✓ Creating node mk (2.1s)").
std::unique_ptr<Reporter> make_console_reporter(std::FILE* stream);

// Prints nothing (for machine-readable output).
std::unique_ptr<Reporter> make_silent_reporter();

} // namespace mk::ui
