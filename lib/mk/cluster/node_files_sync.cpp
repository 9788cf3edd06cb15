// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/node_files_sync.hpp"

#include "mk/archive/tar.hpp"
#include "mk/core/hash.hpp"
#include "mk/core/strings.hpp"

#include <map>

namespace mk::cluster {

Result<std::vector<std::string>> sync_node_files(exec::Runner& node, const std::vector<NodeFile>& files) {
  exec::Command hashes{{"sha256sum", "--"}, {}, {}, {}, {}};
  for (const auto& file : files)
    hashes.argv.push_back(file.path);
  auto existing = MK_TRY(node.run(hashes)); // exits 1 when some files are missing: those are simply absent
  std::map<std::string, std::string> node_hashes;
  for (const auto& line : core::split(existing.out, '\n', true)) {
    auto words = core::words(line);
    if (words.size() == 2) node_hashes[words[1]] = words[0];
  }
  std::vector<archive::TarEntry> changed;
  std::vector<std::string> written;
  for (const auto& file : files) {
    auto it = node_hashes.find(file.path);
    if (it != node_hashes.end() && it->second == core::sha256_hex(file.content)) continue;
    changed.push_back({file.path.substr(1), file.content, file.mode});
    written.push_back(file.path);
  }
  if (changed.empty()) return written;
  auto tar = MK_TRY(archive::make_tar(changed));
  MK_TRY(exec::run_checked(node, {{"tar", "-x", "-p", "-C", "/", "-f", "-"}, std::move(tar), {}, {}, {}},
                           ErrorCode::node_failed));
  return written;
}

} // namespace mk::cluster
