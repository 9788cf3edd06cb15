// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/node_files_sync.hpp"

#include "mk/archive/tar.hpp"
#include "mk/core/hash.hpp"
#include "mk/core/strings.hpp"

#include <algorithm>
#include <map>

namespace mk::cluster {

Result<std::vector<std::string>> sync_node_files(exec::Runner& node, const std::vector<NodeFile>& files,
                                                 NodeSurvey* survey) {
  std::map<std::string, std::string> node_hashes;
  bool surveyed = survey && std::all_of(files.begin(), files.end(), [&](const auto& file) {
                    return survey->hash_of(file.path).has_value();
                  });
  if (surveyed) {
    for (const auto& file : files)
      if (auto hash = *survey->hash_of(file.path); !hash.empty()) node_hashes[file.path] = hash;
  } else {
    exec::Command hashes{{"sha256sum", "--"}, {}, {}, {}, {}};
    for (const auto& file : files)
      hashes.argv.push_back(file.path);
    auto existing = MK_TRY(node.run(hashes)); // exits 1 when some files are missing: those are simply absent
    for (const auto& line : core::split(existing.out, '\n', true)) {
      auto words = core::words(line);
      if (words.size() == 2) node_hashes[words[1]] = words[0];
    }
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
  if (survey)
    for (const auto& file : files)
      if (std::find(written.begin(), written.end(), file.path) != written.end())
        survey->record_written(file.path, file.content);
  return written;
}

} // namespace mk::cluster
