// SPDX-License-Identifier: Apache-2.0
#include "mk/ui/reporter.hpp"

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <mutex>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace mk::ui {

bool is_smart_terminal(std::FILE* stream) {
  if (!::isatty(::fileno(stream))) return false;
  const char* term = std::getenv("TERM");
  return term && *term && std::strcmp(term, "dumb") != 0;
}

bool use_colour(std::FILE* stream) {
  const char* no_colour = std::getenv("NO_COLOR");
  return is_smart_terminal(stream) && !(no_colour && *no_colour);
}

namespace {

using Clock = std::chrono::steady_clock;

std::string seconds_since(Clock::time_point start) {
  return fmt::format("{:.1f}s", std::chrono::duration<double>(Clock::now() - start).count());
}

size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 80;
}

class ConsoleReporter final : public Reporter {
public:
  explicit ConsoleReporter(std::FILE* stream)
      : m_stream(stream), m_smart(is_smart_terminal(stream)), m_colour(use_colour(stream)) {}
  ~ConsoleReporter() override { stop_spinner(); }

  void step_started(std::string_view title) override {
    std::unique_lock lock(m_mutex);
    m_title = title;
    m_detail.clear();
    m_start = Clock::now();
    m_running = true;
    if (m_smart) {
      draw();
      if (!m_spinner.joinable()) m_spinner = std::thread([this] { spin(); });
    }
  }

  void step_progress(std::string_view detail) override {
    std::lock_guard lock(m_mutex);
    m_detail = detail;
    if (m_smart && m_running) draw();
  }

  void step_finished(bool ok) override {
    std::unique_lock lock(m_mutex);
    if (!m_running) return;
    m_running = false;
    if (m_smart) std::fputs("\r\033[K", m_stream);
    auto mark = ok ? paint("✓", "32") : paint("✗", "31");
    fmt::print(m_stream, "{} {} ({})\n", mark, m_title, seconds_since(m_start));
    std::fflush(m_stream);
  }

  void info(std::string_view line) override { note(fmt::format("  {}", line)); }
  void warning(std::string_view line) override { note(fmt::format("{} {}", paint("!", "33"), line)); }
  bool interactive() const override { return m_smart; }

private:
  std::string paint(std::string_view text, std::string_view code) const {
    return m_colour ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  }

  void note(const std::string& line) {
    std::lock_guard lock(m_mutex);
    if (m_smart && m_running) std::fputs("\r\033[K", m_stream);
    fmt::print(m_stream, "{}\n", line);
    if (m_smart && m_running) draw();
    std::fflush(m_stream);
  }

  // Caller holds m_mutex.
  void draw() {
    static const char* const k_frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    auto frame = k_frames[m_frame++ % std::size(k_frames)];
    auto elapsed = seconds_since(m_start);
    // keep the line within the terminal, or overprinting breaks (the detail is plain ASCII)
    auto detail = m_detail;
    size_t used = m_title.size() + elapsed.size() + 6;
    size_t width = terminal_width();
    if (used + detail.size() > width) detail.resize(width > used + 3 ? width - used - 3 : 0);
    auto line = fmt::format("{} {} ({}){}{}", paint(frame, "36"), m_title, elapsed, detail.empty() ? "" : " ",
                            detail);
    fmt::print(m_stream, "\r\033[K{}", line);
    std::fflush(m_stream);
  }

  void spin() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      m_wake.wait_for(lock, std::chrono::milliseconds(100));
      if (m_running && !m_stop) draw();
    }
  }

  void stop_spinner() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    if (m_spinner.joinable()) m_spinner.join();
  }

  std::FILE* m_stream;
  bool m_smart;
  bool m_colour;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::thread m_spinner;
  bool m_stop = false;
  bool m_running = false;
  size_t m_frame = 0;
  std::string m_title;
  std::string m_detail;
  Clock::time_point m_start;
};

class SilentReporter final : public Reporter {
public:
  void step_started(std::string_view) override {}
  void step_progress(std::string_view) override {}
  void step_finished(bool) override {}
  void info(std::string_view) override {}
  void warning(std::string_view) override {}
  bool interactive() const override { return false; }
};

} // namespace

std::unique_ptr<Reporter> make_console_reporter(std::FILE* stream) {
  return std::make_unique<ConsoleReporter>(stream);
}
std::unique_ptr<Reporter> make_silent_reporter() {
  return std::make_unique<SilentReporter>();
}

} // namespace mk::ui
