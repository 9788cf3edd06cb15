// SPDX-License-Identifier: Apache-2.0
// The OCI driver's node image and preflight part: the image present (pulled, or loaded from docker into
// podman), saved and loaded for the cache, and the checks made before any object is created (rootless
// engines, the limits a node container can get).
#include "drivers/oci/dialect.hpp"
#include "drivers/oci/internal.hpp"
#include "drivers/oci/oci_driver.hpp"
#include "mk/core/fs.hpp"
#include "mk/exec/local_runner.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

namespace mk::drivers::oci {

using namespace std::chrono_literals;
using nlohmann::json;

bool local_bounding_set_complete() {
  auto status = core::read_file("/proc/self/status");
  auto last = core::read_file("/proc/sys/kernel/cap_last_cap");
  return status && last && bounding_set_complete(*status, *last);
}

Status OciDriver::refuse_rootless() const {
  if (!m_engine.raises_rlimits || ::geteuid() == 0) return {};
  return fail(Error{
      ErrorCode::driver_unavailable,
      fmt::format("rootless {} is not supported: its nodes need a rootful engine", m_engine.binary),
      {},
      {},
      fmt::format("run mk as root (sudo) to use rootful {}, or choose --driver=docker", m_engine.binary)});
}

Status OciDriver::ensure_image(std::string_view image, const driver::ProgressFn& progress) {
  MK_TRY(refuse_rootless());
  auto present = MK_TRY(engine({"image", "inspect", "--format", "{{.Id}}", std::string(image)}));
  if (!present.ok() && !MK_TRY(import_image(image, progress))) {
    if (progress) progress(fmt::format("pulling {}", image));
    auto pulled = MK_TRY(engine({"pull", std::string(image)}, 30min));
    if (!pulled.ok())
      return fail(
          exec::command_error(pulled, fmt::format("cannot pull the node image {}", image), ErrorCode::network)
              .with_advice("check the image name, or pass a reachable mirror with --base-image"));
  }
  return check_node_limits(image);
}

// Whether `image` names no registry ("mk-local/node:1", not "gcr.io/x/y:1" or "localhost:5000/y"): an image
// that only exists in a local engine.
static bool names_no_registry(std::string_view image) {
  auto slash = image.find('/');
  if (slash == std::string_view::npos) return true;
  auto first = image.substr(0, slash);
  return first.find_first_of(".:") == std::string_view::npos && first != "localhost";
}

Result<bool> OciDriver::import_image(std::string_view image, const driver::ProgressFn& progress) {
  if (m_engine.import_from.empty() || !names_no_registry(image) ||
      exec::find_program(m_engine.import_from).empty())
    return false;
  auto there =
      m_host.run({{m_engine.import_from, "image", "inspect", "--format", "{{.Id}}", std::string(image)},
                  {},
                  {},
                  k_query_timeout,
                  {}});
  if (!there || !there->ok()) return false;
  if (progress)
    progress(fmt::format("loading {} from {} into {}", image, m_engine.import_from, m_engine.binary));
  char pattern[] = "/tmp/mk-image-XXXXXX";
  int fd = ::mkstemp(pattern);
  if (fd < 0)
    return fail(ErrorCode::failure, fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
  ::close(fd);
  std::filesystem::path archive(pattern);
  auto saved =
      m_host.run({{m_engine.import_from, "image", "save", "-o", archive.string(), std::string(image)},
                  {},
                  {},
                  k_request_timeout,
                  {}});
  Status loaded;
  if (!saved || !saved->ok())
    loaded = fail(saved ? exec::command_error(
                              *saved, fmt::format("cannot save {} from {}", image, m_engine.import_from),
                              ErrorCode::driver_failed)
                        : std::move(saved).error());
  else
    loaded = load_image(archive);
  std::error_code ignored;
  std::filesystem::remove(archive, ignored);
  if (!loaded) return fail(std::move(loaded).error());
  return true;
}

Status OciDriver::check_node_limits(std::string_view image) {
  if (!m_engine.raises_rlimits || m_limits_checked) return {};
  MK_TRY(refuse_rootless());
  if (local_bounding_set_complete()) {
    m_limits_checked = true;
    return {};
  }
  // the engine runs with this process's hard limits; the runtime cannot raise them without CAP_SYS_RESOURCE
  rlimit files{}, processes{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  ::getrlimit(RLIMIT_NPROC, &processes);
  auto nofile = files.rlim_max == RLIM_INFINITY ? 1048576 : files.rlim_max;
  auto nproc = std::min<rlim_t>(processes.rlim_max == RLIM_INFINITY ? 1048576 : processes.rlim_max, 32768);
  exec::RunResult last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<std::string> limits = {"--ulimit", fmt::format("nofile={0}:{0}", nofile), "--ulimit",
                                       fmt::format("nproc={0}:{0}", nproc)};
    std::vector<std::string> probe = {"run", "--rm", "--network=none", "--entrypoint", "/bin/true"};
    probe.insert(probe.end(), m_engine.node_args.begin(), m_engine.node_args.end());
    probe.insert(probe.end(), limits.begin(), limits.end());
    probe.push_back(std::string(image));
    last = MK_TRY(engine(probe));
    if (last.ok()) {
      m_engine.node_args.insert(m_engine.node_args.end(), limits.begin(), limits.end());
      m_limits_checked = true;
      m_log.write(
          1, fmt::format("{} nodes run with --ulimit nofile={} nproc={}", m_engine.binary, nofile, nproc));
      return {};
    }
    if (!mentions(last.err, {"rlimit type 6"})) break; // RLIMIT_NPROC: once more with half
    nproc /= 2;
  }
  auto error = exec::command_error(
      last,
      fmt::format("{} cannot run a node container on this host (a throwaway container of {} with --ulimit "
                  "nofile={} nproc={} failed; nothing was created)",
                  m_engine.binary, image, nofile, nproc),
      ErrorCode::driver_failed);
  error.advice =
      mentions(last.err, {"rlimit"})
          ? fmt::format("this host withholds CAP_SYS_RESOURCE, so {0} cannot raise a container's "
                        "limits: lower mk's hard limits to what {0} may use (e.g. `ulimit -Hn 20000; "
                        "ulimit -Hu 32768` before mk), or use --driver=docker",
                        m_engine.binary)
          : "check the node image (--base-image): mk needs a kicbase-style image (with /bin/true, "
            "systemd and a shell)";
  return fail(std::move(error));
}

Status OciDriver::save_image(std::string_view image, const std::filesystem::path& path) {
  MK_TRY(engine_checked({"image", "save", "-o", path.string(), std::string(image)},
                        fmt::format("cannot save the image {}", image)));
  return {};
}

Status OciDriver::load_image(const std::filesystem::path& path) {
  MK_TRY(engine_checked({"image", "load", "-q", "-i", path.string()},
                        fmt::format("cannot load the image archive {}", path.string())));
  return {};
}

} // namespace mk::drivers::oci
