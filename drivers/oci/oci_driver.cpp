// SPDX-License-Identifier: Apache-2.0
#include "drivers/oci/oci_driver.hpp"

#include "drivers/oci/dialect.hpp"
#include "drivers/oci/internal.hpp"
#include "drivers/oci/node_runner.hpp"
#include "mk/archive/tar.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/interrupt.hpp"
#include "mk/core/strings.hpp"
#include "mk/exec/local_runner.hpp"
#include "mk/net/interfaces.hpp"
#include "mk/net/subnet.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

namespace mk::drivers::oci {

using namespace std::chrono_literals;
using nlohmann::json;

Error OciDriver::unavailable(std::string reason) const {
  return Error{
      ErrorCode::driver_unavailable,
      fmt::format("the {} engine is not answering: {}", m_engine.binary, reason),
      {},
      {},
      fmt::format(
          "start it (for example `sudo systemctl start {}`), check DOCKER_HOST/CONTAINER_HOST, or choose "
          "another driver with --driver",
          m_engine.binary)};
}

Result<exec::RunResult> OciDriver::engine(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  exec::Command command;
  command.argv = {m_engine.binary};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.timeout = timeout;
  auto result = m_host.run(command);
  if (!result) {
    if (result.error().code == ErrorCode::not_found)
      return fail(Error{ErrorCode::driver_unavailable,
                        fmt::format("{} is not installed", m_engine.binary),
                        {},
                        {},
                        fmt::format("install {} or choose another driver with --driver", m_engine.binary)});
    if (result.error().code == ErrorCode::timeout)
      return fail(
          unavailable(fmt::format("`{}` got no answer within {} s", exec::shell_quote(command.argv),
                                  std::chrono::duration_cast<std::chrono::seconds>(timeout).count())));
    return result;
  }
  if (is_unreachable(*result))
    return fail(unavailable(core::last_lines(std::string(core::trim(result->err)), 1)));
  return result;
}

Result<exec::RunResult> OciDriver::engine(std::vector<std::string> args) {
  bool query = !args.empty() && (args[0] == "version" || args[0] == "ps" ||
                                 (args.size() > 1 && (args[1] == "inspect" || args[1] == "ls")));
  return engine(std::move(args), query ? k_query_timeout : k_request_timeout);
}

Result<std::string> OciDriver::engine_checked(std::vector<std::string> args, std::string_view what) {
  auto result = MK_TRY(engine(std::move(args)));
  if (!result.ok()) return fail(exec::command_error(result, std::string(what), ErrorCode::driver_failed));
  return std::move(result.out);
}

std::vector<std::string> OciDriver::label_args(std::string_view name, std::string_view cluster) const {
  std::vector<std::string> args;
  for (const auto& label : object_labels(name, cluster, m_owner))
    args.insert(args.end(), {"--label", label});
  return args;
}

// The objects of an `inspect` answer, or an error naming `what` when it is not JSON.
static Result<std::vector<json>> parse_inspection(const exec::RunResult& result, std::string_view what) {
  try {
    return inspected_objects(result.out);
  } catch (const std::exception& e) {
    return fail(ErrorCode::driver_failed,
                fmt::format("cannot read the inspection of {}: {}", what, e.what()));
  }
}

Result<OciDriver::Owner> OciDriver::owner_of(std::string_view kind, std::string_view name) {
  auto result = MK_TRY(engine({std::string(kind), "inspect", std::string(name)}));
  if (!result.ok()) {
    if (is_missing(result)) return Owner::none;
    return fail(exec::command_error(result, fmt::format("cannot inspect {} {}", kind, name),
                                    ErrorCode::driver_failed));
  }
  auto objects = MK_TRY(parse_inspection(result, fmt::format("{} {}", kind, name)));
  if (objects.empty()) return Owner::none;
  auto labels = labels_of(objects.front());
  if (labels["created_by.mk"] != "true") return Owner::foreign;
  auto owner = labels[k_owner_key];
  if (owner.empty()) return Owner::older_mk;
  return owner == m_owner ? Owner::this_home : Owner::other_home;
}

// The conflict for an object named `name` that mk must not touch.
static Error taken(std::string_view kind, std::string_view name, OciDriver::Owner owner) {
  if (owner == OciDriver::Owner::other_home)
    return Error{ErrorCode::conflict,
                 fmt::format("a {} named {} belongs to a cluster of another MK_HOME", kind, name),
                 {},
                 {},
                 "choose another profile name with -p, or use that MK_HOME"};
  return Error{ErrorCode::conflict,
               fmt::format("a {} named {} already exists and was not created by mk", kind, name),
               {},
               {},
               "choose another profile name with -p"};
}

Status OciDriver::check_available() {
  auto result = MK_TRY(engine({"version", "--format", "{{.Server.Version}}"}));
  if (!result.ok() || core::trim(result.out).empty())
    return fail(unavailable(core::last_lines(std::string(core::trim(result.err)), 1)));
  m_log.write(1, fmt::format("{} engine {}", m_engine.binary, core::trim(result.out)));
  return {};
}

Result<std::optional<driver::Network>> OciDriver::find_network(std::string_view name) {
  auto result = MK_TRY(engine({"network", "inspect", std::string(name)}));
  if (!result.ok()) {
    if (is_missing(result)) return std::optional<driver::Network>{};
    return fail(exec::command_error(result, fmt::format("cannot inspect network {}", name),
                                    ErrorCode::driver_failed));
  }
  auto objects = MK_TRY(parse_inspection(result, fmt::format("network {}", name)));
  if (objects.empty()) return std::optional<driver::Network>{};
  driver::Network network{std::string(name), {}, {}, false};
  if (auto subnets = network_subnets(objects.front()); !subnets.empty()) {
    network.subnet = subnets.front().cidr;
    network.gateway = subnets.front().gateway;
  }
  return std::optional(network);
}

Result<driver::Network> OciDriver::ensure_network(const driver::NetworkRequest& request) {
  if (auto owner = MK_TRY(owner_of("network", request.name)); owner == Owner::other_home)
    return fail(taken("network", request.name, owner));
  if (auto existing = MK_TRY(find_network(request.name))) {
    if (!request.subnet.empty() && existing->subnet != request.subnet)
      return fail(ErrorCode::conflict, fmt::format("network {} already exists with subnet {}, not {}",
                                                   request.name, existing->subnet, request.subnet));
    return *existing;
  }
  return create_network(request);
}

Result<driver::Network> OciDriver::create_network(const driver::NetworkRequest& request) {
  std::vector<net::Cidr> candidates;
  if (!request.subnet.empty()) {
    candidates.push_back(MK_TRY(net::parse_cidr(request.subnet)));
  } else {
    auto taken = net::host_networks();
    auto ids = core::words(MK_TRY(engine_checked({"network", "ls", "-q"}, "cannot list networks")));
    if (!ids.empty()) {
      std::vector<std::string> args = {"network", "inspect"};
      args.insert(args.end(), ids.begin(), ids.end());
      auto inspected = MK_TRY(engine(args));
      // a network removed meanwhile makes the whole answer fail: then what the host routes is all we know
      auto objects =
          inspected.ok() ? MK_TRY(parse_inspection(inspected, "the engine's networks")) : std::vector<json>{};
      for (const auto& network : objects)
        for (const auto& subnet : network_subnets(network))
          if (auto cidr = net::parse_cidr(subnet.cidr)) taken.push_back(*cidr);
    }
    candidates = net::free_subnets(taken, {});
    if (candidates.empty())
      return fail(Error{ErrorCode::driver_failed,
                        "no free private /24 subnet is left for the cluster network",
                        {},
                        {},
                        "remove unused networks (docker network prune) or pass --subnet"});
  }
  // the engine's default network's MTU (a host with a smaller MTU configures it there)
  std::string mtu;
  if (auto bridge = engine({"network", "inspect", m_engine.default_network}); bridge && bridge->ok())
    if (auto objects = parse_inspection(*bridge, "the default network"); objects && !objects->empty())
      mtu = network_mtu(objects->front());
  exec::RunResult last;
  int attempts = 0;
  for (const auto& subnet : candidates) {
    if (++attempts > 5) break;
    auto gateway = subnet.first_host().to_string();
    std::vector<std::string> args = {"network", "create", "--driver=bridge", "--subnet=" + subnet.to_string(),
                                     "--gateway=" + gateway};
    if (!mtu.empty()) args.push_back(fmt::format("--opt={}={}", m_engine.mtu_option, mtu));
    auto labels = label_args(request.name, request.cluster);
    args.insert(args.end(), labels.begin(), labels.end());
    args.push_back(request.name);
    last = MK_TRY(engine(args));
    if (last.ok()) return driver::Network{request.name, subnet.to_string(), gateway, true};
    if (!mentions(last.err, {"overlap", "already used", "in use", "being used"})) break;
    m_log.write(1, fmt::format("subnet {} is taken, trying the next one", subnet.to_string()));
  }
  return fail(exec::command_error(last, fmt::format("cannot create network {}", request.name),
                                  ErrorCode::driver_failed));
}

Status OciDriver::remove_network(std::string_view name) {
  auto owner = MK_TRY(owner_of("network", name));
  if (owner != Owner::this_home && owner != Owner::older_mk) return {};
  auto result = MK_TRY(engine({"network", "inspect", std::string(name)}));
  if (!result.ok()) {
    if (is_missing(result)) return {};
    return fail(exec::command_error(result, fmt::format("cannot inspect network {}", name),
                                    ErrorCode::driver_failed));
  }
  auto objects = MK_TRY(parse_inspection(result, fmt::format("network {}", name)));
  if (objects.empty()) return {};
  auto users = network_container_count(objects.front());
  if (!users) // podman lists no containers on a network
    users = core::words(MK_TRY(engine_checked({"ps", "-a", "-q", "--filter", "network=" + std::string(name)},
                                              "cannot list containers")))
                .size();
  if (*users != 0) return {}; // still in use
  auto removed = MK_TRY(engine({"network", "rm", std::string(name)}));
  // a container joined since (podman exits 2): the network stays, as it would had it been seen above
  if (!removed.ok() && mentions(removed.err, {"being used", "in use", "active endpoints"})) return {};
  if (!removed.ok() && !is_missing(removed))
    return fail(exec::command_error(removed, fmt::format("cannot remove network {}", name),
                                    ErrorCode::driver_failed));
  return {};
}

Result<std::vector<std::string>> OciDriver::image_command(std::string_view image) {
  auto result = MK_TRY(engine({"image", "inspect", std::string(image)}));
  if (!result.ok())
    return fail(
        exec::command_error(result, fmt::format("cannot inspect image {}", image), ErrorCode::driver_failed));
  auto objects = MK_TRY(parse_inspection(result, fmt::format("image {}", image)));
  auto command = objects.empty() ? std::vector<std::string>{} : image_command_of(objects.front());
  if (command.empty()) command.push_back("/sbin/init");
  return command;
}

Result<bool> OciDriver::prepare_volume(const driver::NodeSpec& spec) {
  auto owner = MK_TRY(owner_of("volume", spec.name));
  if (owner == Owner::other_home || owner == Owner::foreign) return fail(taken("volume", spec.name, owner));
  if (owner != Owner::none) {
    if (spec.reuse_data) return true; // the data of the node, whose container was removed
    if (owner == Owner::older_mk) return fail(taken("volume", spec.name, Owner::other_home));
    // this MK_HOME has no cluster for it: left by a run that was killed before it completed
    MK_TRY(engine_checked({"volume", "rm", spec.name},
                          fmt::format("cannot remove the stale volume {}", spec.name)));
  }
  std::vector<std::string> args = {"volume", "create"};
  auto labels = label_args(spec.name, spec.cluster);
  args.insert(args.end(), labels.begin(), labels.end());
  args.push_back(spec.name);
  MK_TRY(engine_checked(args, fmt::format("cannot create volume {}", spec.name)));
  return false;
}

Status OciDriver::create_container(const driver::NodeSpec& spec, Security security,
                                   const std::vector<std::string>& command) {
  bool modules = std::filesystem::is_directory("/lib/modules");
  std::vector<std::string> args = {"create"};
  auto rest = create_arguments(m_engine, spec, object_labels(spec.name, spec.cluster, m_owner), security,
                               modules, command);
  args.insert(args.end(), rest.begin(), rest.end());
  MK_TRY(engine_checked(args, fmt::format("cannot create the node container {}", spec.name)));
  auto tar =
      MK_TRY(archive::make_tar({{std::string(k_guard_path).substr(1), std::string(guard_script()), 0755}}));
  exec::Command copy;
  copy.argv = {m_engine.binary, "cp", "-", spec.name + ":/"};
  copy.input = std::move(tar);
  auto copied = MK_TRY(m_host.run(copy));
  if (!copied.ok())
    return fail(exec::command_error(copied, fmt::format("cannot install the guard into {}", spec.name),
                                    ErrorCode::driver_failed));
  MK_TRY(engine_checked({"start", spec.name}, fmt::format("cannot start the node container {}", spec.name)));
  return {};
}

Status OciDriver::extract_preload(const driver::NodeSpec& spec) {
  auto labels = label_args(spec.name, spec.cluster);
  // one helper container: mounting the fresh volume at /var copies the image's own /var into it, then the
  // preload goes over that, before containerd in the node ever runs
  std::vector<std::string> extract = {"run",          "--rm",
                                      "--name",       spec.name + "-preload",
                                      "--entrypoint", "/usr/bin/tar",
                                      "-v",           spec.preload + ":/preloaded.tar:ro",
                                      "-v",           spec.name + ":/var"};
  extract.insert(extract.end(), labels.begin(), labels.end());
  MK_TRY(check_node_limits(spec.image)); // helper containers need the node's limits too
  extract.insert(extract.end(), m_engine.node_args.begin(), m_engine.node_args.end());
  extract.insert(extract.end(), {spec.image, "-I", "lz4", "-xf", "/preloaded.tar", "-C", "/var"});
  auto result = MK_TRY(engine(extract, 30min));
  if (!result.ok()) {
    auto error = exec::command_error(
        result, fmt::format("cannot extract the preload into node {}", spec.name), ErrorCode::driver_failed);
    if (mentions(result.err, {"no space left"}))
      error.advice = "free space in the engine's data directory (docker system prune)";
    return fail(std::move(error));
  }
  return {};
}

Result<bool> OciDriver::create_node(const driver::NodeSpec& spec) {
  // never replaces a container: start() only creates nodes that do not exist, so one found here is someone
  // else's (or another MK_HOME's), or a race
  if (auto owner = MK_TRY(owner_of("container", spec.name)); owner != Owner::none)
    return fail(owner == Owner::this_home || owner == Owner::older_mk
                    ? Error{ErrorCode::conflict, fmt::format("node {} already exists", spec.name), {}, {}, {}}
                    : taken("container", spec.name, owner));
  MK_TRY(check_node_limits(spec.image));
  auto command = MK_TRY(image_command(spec.image));
  bool reused = MK_TRY(prepare_volume(spec));
  // what this call made goes when it fails (a reused volume is the node's data and stays)
  auto cleanup = [&](Error error) {
    core::InterruptShield shield;
    engine({"rm", "-f", spec.name});
    if (!reused) engine({"volume", "rm", "-f", spec.name});
    return fail(std::move(error));
  };
  if (!spec.preload.empty() && !reused)
    if (auto extracted = extract_preload(spec); !extracted) return cleanup(std::move(extracted).error());
  auto security = local_bounding_set_complete() ? Security::privileged : Security::explicit_caps;
  auto created = create_container(spec, security, command);
  if (!created && security == Security::privileged) {
    m_log.write(1, "--privileged was refused; retrying with explicit capabilities");
    engine({"rm", "-f", spec.name});
    created = create_container(spec, Security::explicit_caps, command);
  }
  if (!created) return cleanup(std::move(created).error());
  return reused;
}

Status OciDriver::start_node(std::string_view node) {
  MK_TRY(engine_checked({"start", std::string(node)}, fmt::format("cannot start node {}", node)));
  return {};
}

Status OciDriver::stop_node(std::string_view node) {
  auto result = MK_TRY(engine({"stop", "--time", "60", std::string(node)}));
  if (!result.ok() && !is_missing(result))
    return fail(
        exec::command_error(result, fmt::format("cannot stop node {}", node), ErrorCode::driver_failed));
  return {};
}

Status OciDriver::remove_node(std::string_view node, bool keep_data) {
  // only what this MK_HOME created (or an older mk, for a profile of this MK_HOME): anything else of the same
  // name is left alone
  auto ours = [](Owner owner) { return owner == Owner::this_home || owner == Owner::older_mk; };
  if (ours(MK_TRY(owner_of("container", node)))) {
    auto removed = MK_TRY(engine({"rm", "-f", std::string(node)}));
    if (!removed.ok() && !is_missing(removed))
      return fail(
          exec::command_error(removed, fmt::format("cannot remove node {}", node), ErrorCode::driver_failed));
  }
  if (keep_data) return {};
  if (ours(MK_TRY(owner_of("volume", node)))) {
    auto removed = MK_TRY(engine({"volume", "rm", "-f", std::string(node)}));
    if (!removed.ok() && !is_missing(removed))
      return fail(exec::command_error(removed, fmt::format("cannot remove volume {}", node),
                                      ErrorCode::driver_failed));
  }
  return {};
}

Result<std::optional<std::string>> OciDriver::read_node_data(std::string_view node, std::string_view image,
                                                             const std::string& path) {
  auto container = MK_TRY(owner_of("container", node));
  exec::RunResult result;
  if (container != Owner::none) {
    // `cp` reads a stopped container's volumes too; it writes a tar stream
    result = MK_TRY(engine({"cp", fmt::format("{}:{}", node, path), "-"}));
    if (!result.ok()) {
      if (is_missing(result)) return std::optional<std::string>{};
      return fail(exec::command_error(result, fmt::format("cannot read {} in node {}", path, node),
                                      ErrorCode::driver_failed));
    }
    auto content =
        MK_TRY(archive::read_tar_member(result.out, std::filesystem::path(path).filename().string()));
    return content;
  }
  auto volume = MK_TRY(owner_of("volume", node));
  if (volume == Owner::none) return std::optional<std::string>{};
  if (volume != Owner::this_home && volume != Owner::older_mk) return fail(taken("volume", node, volume));
  std::vector<std::string> args = {"run",      "--rm", "--entrypoint",
                                   "/bin/cat", "-v",   std::string(node) + ":/var"};
  auto labels = label_args(std::string(node) + "-read", std::string(node));
  args.insert(args.end(), labels.begin(), labels.end());
  MK_TRY(check_node_limits(image));
  args.insert(args.end(), m_engine.node_args.begin(), m_engine.node_args.end());
  args.insert(args.end(), {std::string(image), path});
  result = MK_TRY(engine(args));
  if (!result.ok()) {
    if (mentions(result.err, {"no such file"})) return std::optional<std::string>{};
    return fail(exec::command_error(result, fmt::format("cannot read {} in the data of node {}", path, node),
                                    ErrorCode::driver_failed));
  }
  return std::optional(std::move(result.out));
}

Result<driver::NodeInfo> OciDriver::inspect_node(std::string_view node) {
  auto result = MK_TRY(engine({"container", "inspect", std::string(node)}));
  driver::NodeInfo info;
  if (!result.ok()) {
    if (is_missing(result)) return info;
    return fail(
        exec::command_error(result, fmt::format("cannot inspect node {}", node), ErrorCode::driver_failed));
  }
  try {
    auto document = json::parse(result.out);
    const auto& container = document.is_array() ? document.at(0) : document;
    info.state = container_state(container.at("State").at("Status").get<std::string>());
    const auto& settings = container.at("NetworkSettings");
    if (auto networks = settings.find("Networks"); networks != settings.end() && networks->is_object())
      for (const auto& [name, network] : networks->items())
        if (auto ip = network.value("IPAddress", ""); !ip.empty()) {
          info.ip = ip;
          break;
        }
    if (auto ports = settings.find("Ports"); ports != settings.end() && ports->is_object())
      for (const auto& [key, bindings] : ports->items()) {
        if (!bindings.is_array() || bindings.empty() || key.find("/tcp") == std::string::npos) continue;
        auto host_port = bindings.at(0).value("HostPort", "");
        if (!host_port.empty()) info.ports[std::stoi(key)] = std::stoi(host_port);
      }
  } catch (const std::exception& e) {
    return fail(ErrorCode::driver_failed,
                fmt::format("cannot read the inspection of node {}: {}", node, e.what()));
  }
  return info;
}

std::string OciDriver::node_logs(std::string_view node, int lines) {
  auto result = engine({"logs", "--tail", std::to_string(lines), std::string(node)});
  if (!result) return {};
  return result->out + result->err;
}

std::unique_ptr<exec::Runner> OciDriver::node_runner(std::string_view node) {
  return std::make_unique<NodeRunner>(m_host, m_engine.binary, std::string(node));
}

Status OciDriver::remove_everything_created() {
  auto filter = std::string("label=") + owner_label(m_owner);
  auto containers =
      core::words(MK_TRY(engine_checked({"ps", "-aq", "--filter", filter}, "cannot list containers")));
  for (const auto& id : containers)
    MK_TRY(engine_checked({"rm", "-f", "-v", id}, "cannot remove a container"));
  auto volumes =
      core::words(MK_TRY(engine_checked({"volume", "ls", "-q", "--filter", filter}, "cannot list volumes")));
  for (const auto& id : volumes)
    MK_TRY(engine_checked({"volume", "rm", "-f", id}, "cannot remove a volume"));
  auto networks = core::words(
      MK_TRY(engine_checked({"network", "ls", "-q", "--filter", filter}, "cannot list networks")));
  for (const auto& id : networks)
    MK_TRY(engine_checked({"network", "rm", id}, "cannot remove a network"));
  return {};
}

} // namespace mk::drivers::oci
