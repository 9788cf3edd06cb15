// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/start_request.hpp"

#include "mk/config/validate.hpp"
#include "mk/net/ipv4.hpp"

#include <algorithm>
#include <fmt/format.h>
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

Result<StartRequest> validate_start_flags(const StartFlags& flags, const HostFacts& host) {
  StartRequest request;
  MK_TRY(config::validate_profile_name(flags.profile));
  request.profile = flags.profile;
  request.driver = flags.driver;
  if (!flags.base_image.empty()) MK_TRY(config::validate_image_reference(flags.base_image, "--base-image"));
  request.base_image = flags.base_image;
  request.kubernetes = !flags.no_kubernetes;
  if (flags.no_kubernetes && !flags.kubernetes_version.empty())
    return fail(ErrorCode::usage, "--no-kubernetes cannot be combined with --kubernetes-version");
  request.kubernetes_version = flags.kubernetes_version;
  request.cpus_given = !flags.cpus.empty();
  request.cpus = request.cpus_given ? MK_TRY(config::parse_cpus(flags.cpus, host.cpus)) : std::min(2, host.cpus);
  request.memory_given = !flags.memory.empty();
  request.memory_mb = request.memory_given ? MK_TRY(config::parse_memory(flags.memory)) : default_memory_mb(host.memory_mb);
  if (request.memory_given && host.memory_mb > 0 && request.memory_mb > host.memory_mb)
    return fail(ErrorCode::usage,
                fmt::format("--memory {} is more than this machine has ({} MB)", flags.memory, host.memory_mb));
  if (!flags.subnet.empty()) request.subnet = MK_TRY(config::validate_subnet(flags.subnet));
  if (!flags.static_ip.empty()) {
    MK_TRY(config::validate_static_ip(flags.static_ip));
    request.static_ip = flags.static_ip;
    auto address = MK_TRY(net::parse_ipv4(flags.static_ip));
    if (request.subnet.empty()) request.subnet = net::Cidr{{address.value & 0xFFFFFF00u}, 24}.to_string();
    auto subnet = MK_TRY(net::parse_cidr(request.subnet));
    if (!subnet.contains(address) || address == subnet.first_host() || address == subnet.network)
      return fail(ErrorCode::usage,
                  fmt::format("--static-ip {} is not a node address of the subnet {}", flags.static_ip, request.subnet));
  }
  request.force = flags.force;
  return request;
}

} // namespace mk::cluster
