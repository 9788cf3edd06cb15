// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mk::core {

// The layout of mk's state directory (MK_HOME, default ~/.mk):
//   profiles/<profile>/config.json   the cluster configuration       (+ per-profile certificates)
//   machines/<node>/                 the node's SSH key and driver state
//   cache/                           downloads shared by all profiles
//   networks/<network>/              a VM driver's cluster network
//   ca.crt, ca.key, proxy-client-ca.* the CAs shared by all profiles
class Paths {
public:
  explicit Paths(std::filesystem::path home) : m_home(std::move(home)) {}
  // $MK_HOME if set and non-empty, else ~/.mk.
  static Paths from_environment();

  const std::filesystem::path& home() const { return m_home; }
  // A stable id of this MK_HOME (a hash of its absolute path): every engine object mk creates carries it, so
  // that one MK_HOME never removes what another created.
  std::string owner_id() const;
  std::filesystem::path profiles_dir() const { return m_home / "profiles"; }
  std::filesystem::path profile_dir(std::string_view profile) const { return profiles_dir() / profile; }
  std::filesystem::path profile_config(std::string_view profile) const {
    return profile_dir(profile) / "config.json";
  }
  std::filesystem::path profile_lock(std::string_view profile) const {
    return m_home / "locks" / (std::string(profile) + ".lock");
  }
  std::filesystem::path machines_dir() const { return m_home / "machines"; }
  std::filesystem::path machine_dir(std::string_view node) const { return machines_dir() / node; }
  std::filesystem::path cache_dir() const { return m_home / "cache"; }
  // A VM driver's cluster networks (switches it runs itself).
  std::filesystem::path networks_dir() const { return m_home / "networks"; }
  // Kubernetes binaries of `version` for linux/amd64 nodes (kubeadm, kubelet, kubectl and their .sha256).
  std::filesystem::path binaries_cache(std::string_view version) const {
    return cache_dir() / "linux" / "amd64" / version;
  }
  std::filesystem::path ca_cert() const { return m_home / "ca.crt"; }
  std::filesystem::path ca_key() const { return m_home / "ca.key"; }
  std::filesystem::path proxy_client_ca_cert() const { return m_home / "proxy-client-ca.crt"; }
  std::filesystem::path proxy_client_ca_key() const { return m_home / "proxy-client-ca.key"; }
  std::filesystem::path locks_dir() const { return m_home / "locks"; }
  // the full log of the last `mk start` (lastStart.txt), for bug reports
  std::filesystem::path logs_dir() const { return m_home / "logs"; }

private:
  std::filesystem::path m_home;
};

} // namespace mk::core
