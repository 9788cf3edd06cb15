// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace mk::core {

// How mk reacts to SIGINT, SIGTERM and SIGHUP: the first one asks the running command to stop (its current
// child is terminated, no further step starts, and what it created is rolled back); further ones are counted
// while the rollback runs, and the third aborts at once after printing what may be left (see
// set_abort_message). After SIGHUP (the terminal closed) output goes to /dev/null. SIGPIPE is ignored. Called
// once by main.
void install_interrupt_handler();

// Whether a stop was asked for (a signal arrived).
bool interrupted();
// The first signal received (SIGINT, SIGTERM, SIGHUP), 0 when none.
int interrupt_signal();
// How many of those signals arrived.
int interrupt_count();
// Whether the running child should be stopped now: interrupted, and not inside an InterruptShield.
bool stop_requested();

// While one lives, stop_requested() is false: commands that undo work (a rollback) run to the end.
class InterruptShield {
public:
  InterruptShield();
  ~InterruptShield();
  InterruptShield(const InterruptShield&) = delete;
  InterruptShield& operator=(const InterruptShield&) = delete;
};

// The line printed when a third signal aborts mk, saying what may be left; empty: a generic line.
void set_abort_message(const std::string& message);

// For tests: behave as if `signal` arrived (0 resets to "no signal").
void simulate_interrupt(int signal);

} // namespace mk::core
