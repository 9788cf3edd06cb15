// SPDX-License-Identifier: Apache-2.0
#include "mk/cluster/node_survey.hpp"

#include "mk/core/hash.hpp"
#include "mk/core/strings.hpp"

#include <algorithm>
#include <charconv>

namespace mk::cluster {

using namespace std::chrono_literals;

namespace {
// Arguments: the units, "--", the files to read whole, "--", "images" or "no-images", then the roots. The
// image list is asked of a containerd that runs (ctr waits for a missing socket). Sections start with a line
// "== <name>"; a file's content is prefixed with its length in bytes.
constexpr const char* k_script = R"sh(state=$(timeout 20 systemctl is-system-running --wait 2>/dev/null)
echo "$state"
case "$state" in running|degraded) ;; *) exit 0 ;; esac
echo "== facts"
stat -fc %T /sys/fs/cgroup
if (echo -999 >/proc/self/oom_score_adj) 2>/dev/null; then echo oom-ok; else echo oom-restricted; fi
while [ "$1" != -- ]; do
  echo "== unit $1 $(systemctl is-active "$1" 2>/dev/null) $(systemctl is-enabled "$1" 2>/dev/null)"
  shift
done
shift
while [ "$1" != -- ]; do
  [ -f "$1" ] && echo "== content $(wc -c <"$1") $1" && cat "$1"
  shift
done
shift
if [ "$1" = images ] && systemctl is-active -q containerd &&
  list=$(ctr --timeout 10s -n k8s.io images ls -q 2>/dev/null); then
  echo "== images"
  [ -z "$list" ] || echo "$list"
fi
shift
echo "== hashes"
[ $# -eq 0 ] || find "$@" -type f -exec sha256sum -- {} + 2>/dev/null
exit 0)sh";

bool covers(const std::string& root, const std::string& path) {
  return path == root || (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/');
}
} // namespace

std::optional<std::string> NodeSurvey::hash_of(const std::string& path) const {
  if (!complete || std::none_of(roots.begin(), roots.end(), [&](const auto& r) { return covers(r, path); }))
    return std::nullopt;
  auto it = hashes.find(path);
  return it == hashes.end() ? std::string() : it->second;
}

bool NodeSurvey::unit_enabled(const std::string& unit) const {
  auto it = units.find(unit);
  return it != units.end() && it->second.enabled == "enabled";
}

bool NodeSurvey::unit_active(const std::string& unit) const {
  auto it = units.find(unit);
  return it != units.end() && it->second.active == "active";
}

void NodeSurvey::record_written(const std::string& path, std::string_view content) {
  hashes[path] = core::sha256_hex(content);
  written.push_back(path);
}

bool NodeSurvey::wrote_any(const std::vector<std::string>& prefixes) const {
  return std::any_of(written.begin(), written.end(), [&](const auto& path) {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) { return path.starts_with(p); });
  });
}

exec::Command survey_command(const SurveyRequest& request) {
  exec::Command command{{"sh", "-c", k_script, "mk-survey"}, {}, {}, 30s, {}};
  auto& argv = command.argv;
  argv.insert(argv.end(), request.units.begin(), request.units.end());
  argv.push_back("--");
  argv.insert(argv.end(), request.contents.begin(), request.contents.end());
  argv.push_back("--");
  argv.push_back(request.images ? "images" : "no-images");
  argv.insert(argv.end(), request.roots.begin(), request.roots.end());
  return command;
}

NodeSurvey parse_survey(std::string_view output, const SurveyRequest& request) {
  NodeSurvey survey;
  auto next_line = [&output]() {
    auto end = output.find('\n');
    auto line = output.substr(0, end);
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    return line;
  };
  survey.system_state = std::string(core::trim(next_line()));
  if (survey.system_state != "running" && survey.system_state != "degraded") return survey;
  std::string section;
  bool hashes_seen = false;
  while (!output.empty()) {
    auto line = next_line();
    if (line.starts_with("== ")) {
      auto words = core::words(line.substr(3));
      section = words.empty() ? "" : words[0];
      if (section == "unit" && words.size() >= 2)
        survey.units[words[1]] = {words.size() > 2 ? words[2] : "", words.size() > 3 ? words[3] : ""};
      if (section == "content" && words.size() == 3) {
        size_t length = 0;
        auto [end, ec] = std::from_chars(words[1].data(), words[1].data() + words[1].size(), length);
        if (ec != std::errc() || length > output.size()) break; // a cut-short output: not complete
        survey.contents[words[2]] = std::string(output.substr(0, length));
        output.remove_prefix(length);
      }
      if (section == "images") survey.images.emplace();
      if (section == "hashes") hashes_seen = true;
      continue;
    }
    if (section == "facts") {
      if (line == "cgroup2fs") survey.cgroup_v2 = true;
      if (line == "oom-ok") survey.negative_oom_score = true;
    } else if (section == "images") {
      if (auto image = core::trim(line); !image.empty()) survey.images->insert(std::string(image));
    } else if (section == "hashes") {
      auto words = core::words(line);
      if (words.size() == 2) survey.hashes[words[1]] = words[0];
    }
  }
  // only a survey that got to its end is trusted for what is missing in the node
  if (!hashes_seen) {
    NodeSurvey partial;
    partial.system_state = survey.system_state;
    return partial;
  }
  survey.complete = true;
  survey.roots = request.roots;
  return survey;
}

} // namespace mk::cluster
