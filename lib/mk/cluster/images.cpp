// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/images.hpp"

#include "mk/cluster/status.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/child.hpp"
#include "mk/registry/reference.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <sys/stat.h>

namespace mk::cluster {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The running nodes of `profile`; node_failed when none runs.
Result<std::vector<std::string>> running_nodes(Env& env, driver::Driver& driver, std::string_view profile) {
  auto config = MK_TRY(env.store.load(profile));
  if (!config) return fail(profile_not_found(profile));
  std::vector<std::string> running;
  for (const auto& node : config->nodes)
    if (MK_TRY(driver.inspect_node(node.name)).state == driver::State::running) running.push_back(node.name);
  if (running.empty()) return fail(not_running(profile));
  return running;
}

// The engine whose images `mk image load` reads: the driver's own, docker for VM drivers.
std::string source_engine(const driver::Driver& driver) {
  return driver.name() == "podman" ? "podman" : "docker";
}

// A directory of its own under the system's temporary directory, removed with the object.
class TemporaryDirectory {
public:
  static Result<TemporaryDirectory> make() {
    std::string pattern = (fs::temp_directory_path() / "mk-image.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return fail(ErrorCode::failure, "cannot create a temporary directory");
    return TemporaryDirectory(pattern);
  }
  TemporaryDirectory(TemporaryDirectory&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ~TemporaryDirectory() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

private:
  explicit TemporaryDirectory(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

exec::Command import_command() {
  return {{"ctr", "-n", "k8s.io", "images", "import", "-"}, {}, {}, 30min, {}};
}

// Streams `image` from the engine into `node`: the engine writes into a FIFO that the node's import reads.
Status stream_image(driver::Driver& driver, const std::string& engine, const std::string& image,
                    const std::string& node) {
  auto directory = MK_TRY(TemporaryDirectory::make());
  auto fifo = directory.path() / "image.tar";
  if (::mkfifo(fifo.c_str(), 0600) != 0)
    return fail(ErrorCode::failure, fmt::format("cannot create the pipe {}", fifo.string()));
  auto saver = MK_TRY(
      exec::Child::spawn({"sh", "-c", "exec \"$0\" save \"$1\" >\"$2\"", engine, image, fifo.string()}));
  auto command = import_command();
  command.input_file = fifo;
  auto runner = driver.node_runner(node);
  auto imported = runner->run(command);
  int saved = saver.wait();
  if (saved != 0)
    return fail(ErrorCode::failure, fmt::format("{} save {} failed with exit code {}", engine, image, saved));
  if (!imported) return fail(std::move(imported).error());
  if (!imported->ok())
    return fail(exec::command_error(*imported, fmt::format("cannot load {} into node {}", image, node),
                                    ErrorCode::node_failed));
  return {};
}

Result<std::set<std::string>> images_of(exec::Runner& node) {
  auto listed =
      MK_TRY(exec::output_of(node, {"ctr", "-n", "k8s.io", "images", "ls", "-q"}, ErrorCode::node_failed));
  std::set<std::string> names;
  for (const auto& word : core::words(listed))
    if (!word.starts_with("sha256:")) names.insert(std::string(word));
  return names;
}

} // namespace

Result<std::vector<std::string>> load_image(Env& env, driver::Driver& driver, std::string_view profile,
                                            const ImageLoad& load) {
  auto nodes = MK_TRY(running_nodes(env, driver, profile));
  std::error_code ec;
  bool file = fs::is_regular_file(load.source, ec);
  auto engine = source_engine(driver);
  std::string canonical;
  if (!file) {
    auto inspected = MK_TRY(
        env.host.run({{engine, "image", "inspect", "--format", "{{.Id}}", load.source}, {}, {}, 60s, {}}));
    if (!inspected.ok())
      return fail(
          Error{ErrorCode::not_found,
                fmt::format("{} is neither a file nor an image of {}", load.source, engine),
                {},
                {},
                fmt::format("build or pull it first ({} images lists them), or give a tar file", engine)});
    if (auto reference = registry::parse_reference(load.source)) canonical = reference->to_string();
  }
  std::vector<std::string> loaded;
  for (const auto& node : nodes) {
    auto runner = driver.node_runner(node);
    if (!file && !load.overwrite && !canonical.empty() && MK_TRY(images_of(*runner)).contains(canonical))
      continue;
    env.ui.step_started(fmt::format("Loading {} into node {}", load.source, node));
    Status status;
    if (file) {
      auto command = import_command();
      command.input_file = load.source;
      auto result = runner->run(command);
      if (!result)
        status = fail(std::move(result).error());
      else if (!result->ok())
        status = fail(exec::command_error(
            *result, fmt::format("cannot load {} into node {}", load.source, node), ErrorCode::node_failed));
    } else {
      status = stream_image(driver, engine, load.source, node);
    }
    env.ui.step_finished(status.has_value());
    if (!status) return fail(std::move(status).error());
    loaded.push_back(node);
  }
  return loaded;
}

Result<std::vector<std::string>> list_images(Env& env, driver::Driver& driver, std::string_view profile) {
  std::set<std::string> all;
  for (const auto& node : MK_TRY(running_nodes(env, driver, profile))) {
    auto runner = driver.node_runner(node);
    all.merge(MK_TRY(images_of(*runner)));
  }
  return std::vector<std::string>(all.begin(), all.end());
}

Status remove_image(Env& env, driver::Driver& driver, std::string_view profile, std::string_view image) {
  auto reference = MK_TRY(registry::parse_reference(image));
  auto canonical = reference.to_string();
  bool removed = false;
  for (const auto& node : MK_TRY(running_nodes(env, driver, profile))) {
    auto runner = driver.node_runner(node);
    auto present = MK_TRY(images_of(*runner));
    for (const auto& name : {std::string(image), canonical}) {
      if (!present.contains(name)) continue;
      MK_TRY(exec::run_checked(*runner, {{"ctr", "-n", "k8s.io", "images", "rm", name}, {}, {}, 60s, {}},
                               ErrorCode::node_failed));
      removed = true;
      break;
    }
  }
  if (!removed)
    return fail(ErrorCode::not_found, fmt::format("no node of cluster {} has image {}", profile, canonical));
  return {};
}

} // namespace mk::cluster
