// SPDX-License-Identifier: Apache-2.0
#include "mk/core/interrupt.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace mk::core {

namespace {
std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};
std::atomic<int> g_shields{0};

// Written by set_abort_message, read by the signal handler: two buffers, the handler reads the published one.
constexpr size_t k_message_size = 1024;
std::array<std::array<char, k_message_size>, 2> g_messages{};
std::atomic<int> g_published{-1};

constexpr char k_generic_abort[] =
    "\nmk: aborted by a third signal while undoing its work; objects it created may be left: "
    "`mk delete -p <profile>` removes them\n";

extern "C" void on_signal(int signal) {
  if (signal == SIGHUP) {
    // the terminal is gone: writing to it would fail (EIO) while the rollback reports its progress
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      ::close(null);
    }
  }
  int expected = 0;
  g_signal.compare_exchange_strong(expected, signal);
  int count = g_count.fetch_add(1) + 1;
  if (count == 2) {
    constexpr char note[] = "\nmk: undoing what this command created; a third signal aborts at once\n";
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, note, sizeof(note) - 1);
  }
  if (count >= 3) {
    int index = g_published.load();
    const char* text = index >= 0 ? g_messages[static_cast<size_t>(index)].data() : k_generic_abort;
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, text, ::strlen(text));
    ::_exit(128 + g_signal.load());
  }
}
} // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    ::sigaction(signal, &action, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, nullptr);
}

bool interrupted() {
  return g_signal.load() != 0;
}

int interrupt_signal() {
  return g_signal.load();
}

int interrupt_count() {
  return g_count.load();
}

bool stop_requested() {
  return interrupted() && g_shields.load() == 0;
}

InterruptShield::InterruptShield() {
  ++g_shields;
}

InterruptShield::~InterruptShield() {
  --g_shields;
}

void set_abort_message(const std::string& message) {
  if (message.empty()) {
    g_published = -1;
    return;
  }
  int next = g_published.load() == 0 ? 1 : 0;
  auto& buffer = g_messages[static_cast<size_t>(next)];
  std::string text = "\nmk: aborted by a third signal; " + message + "\n";
  auto length = std::min(text.size(), k_message_size - 1);
  std::memcpy(buffer.data(), text.data(), length);
  buffer[length] = '\0';
  g_published = next;
}

void simulate_interrupt(int signal) {
  g_signal = signal;
  g_count = signal == 0 ? 0 : g_count.load() + 1;
}

} // namespace mk::core
