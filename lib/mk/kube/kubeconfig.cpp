// SPDX-License-Identifier: Apache-2.0
#include "mk/kube/kubeconfig.hpp"

#include "mk/core/fs.hpp"
#include "mk/core/strings.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace mk::kube {
namespace fs = std::filesystem;
namespace {

constexpr std::array k_lists{std::pair{"clusters", "cluster"}, std::pair{"users", "user"},
                             std::pair{"contexts", "context"}};

// A scalar that reads back as the same string: quoted unless it is plainly a path, URL or name.
YAML::Node string_node(std::string_view value) {
  YAML::Node node(std::string{value});
  static constexpr std::array k_special{"y", "n", "yes", "no", "on", "off", "true", "false", "null"};
  auto lower = std::string(value);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool plain = !value.empty() && (std::isalpha(static_cast<unsigned char>(value.front())) ||
                                  value.front() == '/' || value.front() == '_');
  for (char c : value)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("/_.:@+-", c)) plain = false;
  if (value.ends_with(':')) plain = false;
  for (auto word : k_special)
    if (lower == word) plain = false;
  if (!plain) node.SetTag("!");
  return node;
}

// Emits `node` keeping each scalar's quoting (a quoted "yes" stays a string) and each collection's flow
// style; empty collections as [] and {}.
void emit(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Undefined:
  case YAML::NodeType::Null:
    out << YAML::Null;
    break;
  case YAML::NodeType::Scalar:
    if (node.Tag() == "!")
      out << YAML::DoubleQuoted << node.Scalar();
    else if (node.Tag().empty() || node.Tag() == "?")
      out << node.Scalar();
    else
      out << YAML::VerbatimTag(node.Tag()) << node.Scalar();
    break;
  case YAML::NodeType::Sequence:
    if (node.Style() == YAML::EmitterStyle::Flow || node.size() == 0) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& item : node)
      emit(out, item);
    out << YAML::EndSeq;
    break;
  case YAML::NodeType::Map:
    if (node.Style() == YAML::EmitterStyle::Flow || node.size() == 0) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& item : node) {
      out << YAML::Key;
      emit(out, item.first);
      out << YAML::Value;
      emit(out, item.second);
    }
    out << YAML::EndMap;
    break;
  }
}

std::string dump(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

std::unexpected<Error> not_kubeconfig(std::string_view why) {
  return fail(ErrorCode::failure, fmt::format("not a kubeconfig: {}", why));
}

// The document of `text` as a map (empty text: an empty map); failure unless it looks like a kubeconfig.
Result<YAML::Node> parse(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return not_kubeconfig(
        fmt::format("invalid YAML at line {}, column {}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) return not_kubeconfig("the document is not a mapping");
  const YAML::Node& view = root;
  if (auto kind = view["kind"]; kind && !(kind.IsScalar() && kind.Scalar() == "Config"))
    return not_kubeconfig("its kind is not Config");
  for (const auto& [list, item] : k_lists) {
    auto node = view[list];
    if (node && !node.IsNull() && !node.IsSequence())
      return not_kubeconfig(fmt::format("{} is not a list", list));
  }
  return root;
}

bool has_name(const YAML::Node& item, std::string_view name) {
  if (!item.IsMap()) return false;
  auto value = item["name"];
  return value && value.IsScalar() && value.Scalar() == name;
}

// Rebuilds list `key` of `root` without the items named `name`, putting `replacement` (if given) where the
// first of them was, or at the end. Returns whether an item named `name` was there.
bool replace_named(YAML::Node& root, const char* key, std::string_view name, const YAML::Node* replacement) {
  const YAML::Node& view = root;
  auto old_list = view[key];
  YAML::Node list(YAML::NodeType::Sequence);
  if (old_list && old_list.IsSequence() && old_list.Style() == YAML::EmitterStyle::Flow && !replacement)
    list.SetStyle(YAML::EmitterStyle::Flow);
  bool found = false;
  if (old_list && old_list.IsSequence()) {
    for (const auto& item : old_list) {
      if (!has_name(item, name)) {
        list.push_back(item);
      } else {
        if (!found && replacement) list.push_back(*replacement);
        found = true;
      }
    }
  }
  if (!found && replacement) list.push_back(*replacement);
  if (found || replacement) root[key] = list;
  return found;
}

YAML::Node named_item(const char* body_key, std::string_view name, const YAML::Node& body) {
  YAML::Node item(YAML::NodeType::Map);
  // Keys in the order kubectl writes them (alphabetical).
  if (std::string_view(body_key) < "name") item[body_key] = body;
  item["name"] = string_node(name);
  if (std::string_view(body_key) > "name") item[body_key] = body;
  return item;
}

void ensure_key(YAML::Node& root, const char* key, const YAML::Node& value) {
  const YAML::Node& view = root;
  if (!view[key]) root[key] = value;
}

void add_path(YAML::Node& map, const char* key, const std::string& path) {
  if (!path.empty()) map[key] = string_node(path);
}

// Removes the entries named `name`; nullopt when there was nothing to remove.
Result<std::optional<YAML::Node>> without(std::string_view text, std::string_view name) {
  auto root = MK_TRY(parse(text));
  bool changed = false;
  for (const auto& [list, item] : k_lists)
    changed = replace_named(root, list, name, nullptr) || changed;
  const YAML::Node& view = root;
  if (auto current = view["current-context"]; current && current.IsScalar() && current.Scalar() == name) {
    root["current-context"] = string_node("");
    changed = true;
  }
  if (!changed) return std::nullopt;
  return root;
}

// The kubeconfig lock kubectl (client-go) uses: <file>.lock created exclusively and deleted when done.
class LockFile {
public:
  static Result<LockFile> acquire(const fs::path& file) {
    MK_TRY(core::ensure_directory(file.parent_path(), 0755));
    auto path = file;
    path += ".lock";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        return LockFile(path);
      }
      if (errno != EEXIST)
        return fail(ErrorCode::failure,
                    fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
      if (std::chrono::steady_clock::now() > deadline) {
        Error error;
        error.code = ErrorCode::conflict;
        error.message = fmt::format("kubeconfig {} is locked by {}", file.string(), path.string());
        error.advice = fmt::format("remove {} if no kubectl or mk command is running", path.string());
        return fail(std::move(error));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  LockFile(LockFile&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  LockFile& operator=(LockFile&&) = delete;
  ~LockFile() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }

private:
  explicit LockFile(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

// Where writes to `file` go: its target when it is a symlink, so that the link survives the atomic rename.
fs::path write_target(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(file, ec))) return file;
  auto resolved = fs::canonical(file, ec);
  if (!ec) return resolved;
  auto link = fs::read_symlink(file, ec);
  if (ec) return file;
  return link.is_absolute() ? link : file.parent_path() / link;
}

// The text of `file`, empty when it does not exist.
Result<std::string> read_if_present(const fs::path& file) {
  auto text = core::read_file(file);
  if (!text && text.error().code == ErrorCode::not_found) return std::string();
  return text;
}

} // namespace

fs::path kubeconfig_path() {
  if (const char* env = std::getenv("KUBECONFIG"))
    for (const auto& entry : core::split(env, ':', true))
      return fs::path(entry);
  return core::home_directory() / ".kube" / "config";
}

Result<std::string> merge_kubeconfig(std::string_view existing, const KubeconfigEntry& entry,
                                     bool set_current) {
  auto root = MK_TRY(parse(existing));
  ensure_key(root, "apiVersion", string_node("v1"));

  YAML::Node cluster(YAML::NodeType::Map);
  add_path(cluster, "certificate-authority", entry.certificate_authority);
  cluster["server"] = string_node(entry.server);
  YAML::Node user(YAML::NodeType::Map);
  add_path(user, "client-certificate", entry.client_certificate);
  add_path(user, "client-key", entry.client_key);
  YAML::Node context(YAML::NodeType::Map);
  context["cluster"] = string_node(entry.name);
  if (!entry.namespace_name.empty()) context["namespace"] = string_node(entry.namespace_name);
  context["user"] = string_node(entry.name);

  auto cluster_item = named_item("cluster", entry.name, cluster);
  auto context_item = named_item("context", entry.name, context);
  auto user_item = named_item("user", entry.name, user);
  replace_named(root, "clusters", entry.name, &cluster_item);
  replace_named(root, "contexts", entry.name, &context_item);
  if (set_current)
    root["current-context"] = string_node(entry.name);
  else
    ensure_key(root, "current-context", string_node(""));
  ensure_key(root, "kind", string_node("Config"));
  ensure_key(root, "preferences", YAML::Node(YAML::NodeType::Map));
  replace_named(root, "users", entry.name, &user_item);
  return dump(root);
}

Result<std::string> remove_from_kubeconfig(std::string_view existing, std::string_view name) {
  auto root = MK_TRY(without(existing, name));
  if (!root) return std::string(existing);
  return dump(*root);
}

Status write_kubeconfig_entry(const fs::path& file, const KubeconfigEntry& entry, bool set_current) {
  auto context = fmt::format("cannot update kubeconfig {}", file.string());
  auto lock = LockFile::acquire(file);
  if (!lock) return fail(std::move(lock).error().wrap(context));
  auto target = write_target(file);
  auto existing = read_if_present(target);
  if (!existing) return fail(std::move(existing).error().wrap(context));
  auto merged = merge_kubeconfig(*existing, entry, set_current);
  if (!merged) return fail(std::move(merged).error().wrap(context));
  auto written = core::write_file_atomic(target, *merged, 0600);
  if (!written) return fail(std::move(written).error().wrap(context));
  return {};
}

Status remove_kubeconfig_entry(const fs::path& file, std::string_view name) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return {};
  auto context = fmt::format("cannot update kubeconfig {}", file.string());
  auto lock = LockFile::acquire(file);
  if (!lock) return fail(std::move(lock).error().wrap(context));
  auto target = write_target(file);
  auto existing = read_if_present(target);
  if (!existing) return fail(std::move(existing).error().wrap(context));
  auto root = without(*existing, name);
  if (!root) return fail(std::move(root).error().wrap(context));
  if (!*root) return {};
  auto written = core::write_file_atomic(target, dump(**root), 0600);
  if (!written) return fail(std::move(written).error().wrap(context));
  return {};
}

Result<std::optional<std::string>> kubeconfig_server(const fs::path& file, std::string_view name) {
  auto text = read_if_present(file);
  if (!text) return fail(std::move(text).error());
  auto parsed = parse(*text);
  if (!parsed)
    return fail(std::move(parsed).error().wrap(fmt::format("cannot read kubeconfig {}", file.string())));
  const YAML::Node& root = *parsed;
  auto clusters = root["clusters"];
  if (!clusters || !clusters.IsSequence()) return std::nullopt;
  for (const auto& item : clusters) {
    if (!has_name(item, name)) continue;
    auto server = item["cluster"] ? item["cluster"]["server"] : YAML::Node();
    if (server && server.IsScalar()) return std::optional<std::string>(server.Scalar());
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace mk::kube
