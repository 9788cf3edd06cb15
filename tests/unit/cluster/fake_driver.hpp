// SPDX-License-Identifier: Apache-2.0
#pragma once
// A fake Driver and node Runner for the control flow of start, stop and delete: every call is appended to one
// event log; a call named in `fail_at` fails and one named in `throw_at` throws.

#include "mk/driver/driver.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mk::testing {

struct EventLog {
  std::vector<std::string> events;
  std::set<std::string> fail_at;
  std::set<std::string> throw_at;
  std::map<std::string, std::function<void()>> on; // run when the event happens (e.g. a simulated signal)

  // guards everything here and the fake driver's state: workers are prepared on threads of their own
  std::recursive_mutex mutex;

  // Records `event`; an error (or exception) when it is marked to fail.
  Status record(const std::string& event) {
    std::lock_guard lock(mutex);
    events.push_back(event);
    if (auto hook = on.find(event); hook != on.end()) hook->second();
    if (throw_at.contains(event)) throw std::runtime_error("injected exception at " + event);
    if (fail_at.contains(event)) return fail(ErrorCode::driver_failed, "injected failure at " + event);
    return {};
  }
  // The events recorded from index `from` on.
  std::vector<std::string> since(size_t from) const { return {events.begin() + long(from), events.end()}; }
};

// A node that answers the commands of the steps without Kubernetes.
class FakeNodeRunner final : public exec::Runner {
public:
  FakeNodeRunner(EventLog& log, std::string node) : m_log(log), m_node(std::move(node)) {}
  Result<exec::RunResult> run(const exec::Command& command) override {
    exec::RunResult result{command.argv, 0, {}, {}};
    std::string name = command.argv.empty() ? "" : command.argv.front();
    if (name == "systemctl" || name == "sh") result.out = "running\n"; // the boot check's first line
    MK_TRY(m_log.record("run " + name + " " + m_node));
    return result;
  }
  Status write_file(const std::string& path, std::string_view, int) override {
    return m_log.record("write " + path + " " + m_node);
  }
  Status copy_file(const std::filesystem::path&, const std::string& path, int) override {
    return m_log.record("copy " + path + " " + m_node);
  }
  std::string where() const override { return "node " + m_node; }

private:
  EventLog& m_log;
  std::string m_node;
};

class FakeDriver final : public driver::Driver {
public:
  explicit FakeDriver(EventLog& log) : m_log(log) {}
  std::map<std::string, driver::State> states; // node -> state (missing: nonexistent)
  std::set<std::string> volumes;               // nodes whose data survives
  std::set<std::string> networks;
  std::map<std::string, std::string> addresses; // node -> the IP it was created with
  std::string refusal;                          // multi_node_refusal()

  std::string_view name() const override { return "fake"; }
  Status check_available() override { return m_log.record("check_available"); }
  Status ensure_image(std::string_view image, const driver::ProgressFn&) override {
    return m_log.record("ensure_image " + std::string(image));
  }
  Status save_image(std::string_view, const std::filesystem::path&) override { return {}; }
  Status load_image(const std::filesystem::path&) override { return {}; }
  Result<driver::Network> ensure_network(const driver::NetworkRequest& request) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("ensure_network " + request.name));
    bool created = networks.insert(request.name).second;
    return driver::Network{request.name, "192.168.49.0/24", "192.168.49.1", created};
  }
  Status remove_network(std::string_view name) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("remove_network " + std::string(name)));
    networks.erase(std::string(name));
    return {};
  }
  Result<bool> create_node(const driver::NodeSpec& spec) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("create_node " + spec.name));
    addresses[spec.name] = spec.ip;
    bool reused = spec.reuse_data && volumes.contains(spec.name);
    volumes.insert(spec.name);
    states[spec.name] = driver::State::running;
    return reused;
  }
  Status start_node(std::string_view node) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("start_node " + std::string(node)));
    states[std::string(node)] = driver::State::running;
    return {};
  }
  Status stop_node(std::string_view node) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("stop_node " + std::string(node)));
    states[std::string(node)] = driver::State::stopped;
    return {};
  }
  Status remove_node(std::string_view node, bool keep_data) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record((keep_data ? "remove_container " : "remove_node ") + std::string(node)));
    states.erase(std::string(node));
    if (!keep_data) volumes.erase(std::string(node));
    return {};
  }
  Result<std::optional<std::string>> read_node_data(std::string_view node, std::string_view,
                                                    const std::string& path) override {
    MK_TRY(m_log.record("read " + path + " " + std::string(node)));
    return std::optional<std::string>{};
  }
  Result<driver::NodeInfo> inspect_node(std::string_view node) override {
    std::lock_guard lock(m_log.mutex);
    MK_TRY(m_log.record("inspect_node " + std::string(node)));
    driver::NodeInfo info;
    if (auto it = states.find(std::string(node)); it != states.end()) info.state = it->second;
    if (info.state == driver::State::running)
      info.ip = addresses.contains(std::string(node)) ? addresses.at(std::string(node)) : "192.168.49.2";
    return info;
  }
  std::string node_logs(std::string_view, int) override { return {}; }
  std::unique_ptr<exec::Runner> node_runner(std::string_view node) override {
    return std::make_unique<FakeNodeRunner>(m_log, std::string(node));
  }
  Status remove_everything_created() override { return m_log.record("remove_everything_created"); }
  std::string multi_node_refusal() const override { return refusal; }

private:
  EventLog& m_log;
};

} // namespace mk::testing
