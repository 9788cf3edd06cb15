// SPDX-License-Identifier: Apache-2.0
#include "mk/core/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace mk::core {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) {
  g_interrupted = true;
}
} // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
  return g_interrupted;
}

} // namespace mk::core
