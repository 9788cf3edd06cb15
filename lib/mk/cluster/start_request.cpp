// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start_request.hpp"

#include "mk/addons/addons.hpp"
#include "mk/config/validate.hpp"
#include "mk/core/strings.hpp"
#include "mk/k8s/version.hpp"
#include "mk/mirror/countries.hpp"
#include "mk/net/ipv4.hpp"
#include "mk/net/url.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <regex>
#include <thread>
#include <unistd.h>

namespace mk::cluster {

int default_memory_mb(long long host_memory_mb) {
  long long quarter = host_memory_mb / 4 / 100 * 100;
  long long memory = std::max(quarter, 3072LL);
  if (host_memory_mb > 0) memory = std::min(memory, host_memory_mb - 48);
  return static_cast<int>(std::max(memory, 0LL));
}

HostFacts detect_host_facts() {
  HostFacts facts;
  facts.cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto pages = ::sysconf(_SC_PHYS_PAGES);
  auto page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0) facts.memory_mb = static_cast<long long>(pages) * page_size / (1024 * 1024);
  return facts;
}

// An http(s) base URL without trailing slashes ("" stays ""); usage error naming `flag` otherwise.
static Result<std::string> base_url(const std::string& text, std::string_view flag) {
  if (text.empty()) return text;
  if (!net::parse_url(text))
    return fail(ErrorCode::usage,
                fmt::format("invalid {} \"{}\": use an http:// or https:// URL", flag, text));
  std::string url = text;
  while (url.back() == '/')
    url.pop_back();
  return url;
}

Result<WaitFor> parse_wait(std::string_view text) {
  if (text.empty() || text == "true") return WaitFor{};
  if (text == "none" || text == "false") return WaitFor{false, false, false};
  if (text == "all") return WaitFor{true, true, true};
  WaitFor wait{false, false, false};
  for (const auto& word : core::split(text, ',')) {
    if (word == "apiserver") continue;
    if (word == "node_ready" || word == "kubelet")
      wait.node_ready = true;
    else if (word == "default_sa")
      wait.default_sa = true;
    else if (word == "system_pods" || word == "apps_running" || word == "extra")
      wait.system_pods = true;
    else
      return fail(
          ErrorCode::usage,
          fmt::format("invalid --wait \"{}\": \"{}\" is not one of apiserver, system_pods, default_sa, "
                      "apps_running, node_ready, kubelet, extra (or all, none)",
                      text, word));
  }
  return wait;
}

Result<StartRequest> validate_start_flags(const StartFlags& flags, const HostFacts& host) {
  StartRequest request;
  MK_TRY(config::validate_profile_name(flags.profile));
  request.profile = flags.profile;
  request.driver = flags.driver;
  if (!flags.base_image.empty()) MK_TRY(config::validate_image_reference(flags.base_image, "--base-image"));
  request.base_image = flags.base_image;
  request.vm_image = flags.vm_image;
  if (!flags.vm_image.empty() && !flags.vm_image.starts_with("http://") &&
      !flags.vm_image.starts_with("https://") && !flags.vm_image.starts_with("/"))
    return fail(
        ErrorCode::usage,
        fmt::format("invalid --vm-image \"{}\": give an http(s) URL or an absolute path", flags.vm_image));
  if (!flags.disk_size.empty()) request.disk_mb = MK_TRY(config::parse_disk_size(flags.disk_size));
  if (!flags.nodes.empty()) {
    int nodes = 0;
    auto [end, ec] = std::from_chars(flags.nodes.data(), flags.nodes.data() + flags.nodes.size(), nodes);
    if (ec != std::errc{} || end != flags.nodes.data() + flags.nodes.size() || nodes < 1 || nodes > 99)
      return fail(ErrorCode::usage,
                  fmt::format("--nodes must be a number of nodes from 1 to 99, not \"{}\"", flags.nodes));
    request.nodes = nodes;
  }
  request.kubernetes = !flags.no_kubernetes;
  if (flags.no_kubernetes && !flags.kubernetes_version.empty())
    return fail(ErrorCode::usage, "--no-kubernetes cannot be combined with --kubernetes-version");
  request.cpus_given = !flags.cpus.empty();
  request.cpus =
      request.cpus_given ? MK_TRY(config::parse_cpus(flags.cpus, host.cpus)) : std::min(2, host.cpus);
  request.memory_given = !flags.memory.empty();
  request.memory_mb =
      request.memory_given ? MK_TRY(config::parse_memory(flags.memory)) : default_memory_mb(host.memory_mb);
  if (request.memory_given && host.memory_mb > 0 && request.memory_mb > host.memory_mb)
    return fail(ErrorCode::usage, fmt::format("--memory {} is more than this machine has ({} MB)",
                                              flags.memory, host.memory_mb));
  if (!flags.subnet.empty()) request.subnet = MK_TRY(config::validate_subnet(flags.subnet));
  if (!flags.static_ip.empty()) {
    MK_TRY(config::validate_static_ip(flags.static_ip));
    request.static_ip = flags.static_ip;
    auto address = MK_TRY(net::parse_ipv4(flags.static_ip));
    if (request.subnet.empty()) request.subnet = net::Cidr{{address.value & 0xFFFFFF00u}, 24}.to_string();
    auto subnet = MK_TRY(net::parse_cidr(request.subnet));
    if (!subnet.contains(address) || address == subnet.first_host() || address == subnet.network)
      return fail(ErrorCode::usage, fmt::format("--static-ip {} is not a node address of the subnet {}",
                                                flags.static_ip, request.subnet));
  }
  request.force = flags.force;
  if (request.kubernetes) {
    // an empty version means: the existing profile's, else the default (decided by start())
    if (!flags.kubernetes_version.empty())
      request.kubernetes_version =
          MK_TRY(k8s::resolve_version(flags.kubernetes_version, flags.force)).to_string();
  }
  if (!flags.image_repository.empty() && flags.image_repository != "auto") {
    std::string repository = flags.image_repository;
    for (auto scheme : {"https://", "http://"})
      if (repository.rfind(scheme, 0) == 0) repository = repository.substr(std::string_view(scheme).size());
    while (!repository.empty() && repository.back() == '/')
      repository.pop_back();
    MK_TRY(config::validate_image_reference(repository, "--image-repository"));
    request.image_repository = repository;
  }
  static const std::regex k_host_port(R"([a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?)");
  for (const auto& registry : flags.insecure_registries) {
    if (!std::regex_match(registry, k_host_port))
      return fail(ErrorCode::usage,
                  fmt::format("invalid --insecure-registry \"{}\": use host:port", registry));
    request.insecure_registries.push_back(registry);
  }
  request.binary_mirror = MK_TRY(base_url(flags.binary_mirror, "--binary-mirror"));
  request.preload_mirror = MK_TRY(base_url(flags.preload_mirror, "--preload-mirror"));
  for (const auto& mirror : flags.registry_mirrors) {
    auto url = net::parse_url(mirror);
    if (!url || url->target != "/" || mirror.find('?') != std::string::npos)
      return fail(
          ErrorCode::usage,
          fmt::format("invalid --registry-mirror \"{}\": use http(s)://host[:port] without a path", mirror));
    auto trimmed = mirror;
    while (trimmed.back() == '/')
      trimmed.pop_back();
    request.registry_mirrors.push_back(trimmed);
  }
  if (!flags.image_mirror_country.empty() && !mirror::find_country(flags.image_mirror_country)) {
    std::string known;
    for (const auto& c : mirror::countries())
      known += (known.empty() ? "" : ", ") + std::string(c.country);
    return fail(ErrorCode::usage, fmt::format("unknown --image-mirror-country \"{}\": mk has mirrors for {}",
                                              flags.image_mirror_country, known));
  }
  request.image_mirror_country = flags.image_mirror_country;
  if (flags.image_repository == "auto") request.image_repository = "auto";
  request.keep_context = flags.keep_context;
  request.download_only = flags.download_only;
  request.dry_run = flags.dry_run;
  request.preload = flags.preload;
  request.wait = MK_TRY(parse_wait(flags.wait));
  for (const auto& name : core::split(flags.addons, ',')) {
    auto trimmed = std::string(core::trim(name));
    if (trimmed.empty()) continue;
    MK_TRY(addons::find_addon(trimmed));
    request.addons.push_back(trimmed);
  }
  if (!request.addons.empty() && !request.kubernetes)
    return fail(ErrorCode::usage, "--addons needs Kubernetes: it cannot be combined with --no-kubernetes");
  if (flags.download_only && flags.dry_run)
    return fail(ErrorCode::usage, "--download-only cannot be combined with --dry-run");
  if ((flags.download_only || flags.dry_run) && flags.no_kubernetes)
    return fail(ErrorCode::usage, fmt::format("--{} needs Kubernetes: drop --no-kubernetes",
                                              flags.dry_run ? "dry-run" : "download-only"));
  return request;
}

} // namespace mk::cluster
