// SPDX-License-Identifier: Apache-2.0
#include "mk/registry/pull.hpp"

#include "mk/archive/tar.hpp"
#include "mk/core/fs.hpp"
#include "mk/core/hash.hpp"
#include "mk/net/download.hpp"
#include "mk/net/http.hpp"
#include "mk/registry/client.hpp"
#include "mk/registry/manifest.hpp"

#include <fmt/format.h>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace mk::registry {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t k_max_manifest_size = 4 << 20;
constexpr auto k_lock_timeout = std::chrono::hours(2);
constexpr auto k_progress_interval = std::chrono::seconds(1);

std::string strip_scheme(std::string_view text) {
  for (std::string_view scheme : {"http://", "https://"})
    if (text.starts_with(scheme)) text.remove_prefix(scheme.size());
  while (text.ends_with('/'))
    text.remove_suffix(1);
  return std::string(text);
}

bool is_insecure(std::string_view registry, const std::vector<std::string>& insecure_registries) {
  for (const auto& entry : insecure_registries)
    if (strip_scheme(entry) == registry) return true;
  return false;
}

std::string base_url(std::string_view registry, std::string_view host,
                     const std::vector<std::string>& insecure_registries) {
  return fmt::format("{}://{}", is_insecure(registry, insecure_registries) ? "http" : "https", host);
}

std::string megabytes(uint64_t bytes, bool precise) {
  auto value = static_cast<double>(bytes) / 1e6;
  return precise ? fmt::format("{:.1f}", value) : fmt::format("{:.0f}", value);
}

// Turns byte counts into "etcd: 12/40 MB" lines, at most one a second (and the last one always).
class Progress {
public:
  Progress(const std::function<void(std::string_view)>& callback, std::string name, uint64_t total)
      : m_callback(callback), m_name(std::move(name)), m_total(total) {}
  // `current` bytes of the blob being fetched, on top of the finished ones.
  void update(uint64_t current) { report(m_done + current, false); }
  void finish_blob(uint64_t size) {
    m_done += size;
    report(m_done, m_done >= m_total);
  }

private:
  void report(uint64_t received, bool force) {
    if (!m_callback) return;
    auto now = Clock::now();
    if (!force && m_reported && now - m_last < k_progress_interval) return;
    m_reported = true;
    m_last = now;
    bool precise = m_total < 10'000'000;
    m_callback(fmt::format("{}: {}/{} MB", m_name, megabytes(std::min(received, m_total), precise),
                           megabytes(m_total, precise)));
  }

  const std::function<void(std::string_view)>& m_callback;
  std::string m_name;
  uint64_t m_total;
  uint64_t m_done = 0;
  Clock::time_point m_last;
  bool m_reported = false;
};

// The registry's own explanation in an error body ({"errors":[{"message":"manifest unknown"}]}), if any.
std::string registry_message(std::string_view body) {
  auto document = json::parse(body, nullptr, false);
  if (!document.is_object() || !document.contains("errors") || !document["errors"].is_array() ||
      document["errors"].empty())
    return {};
  const auto& first = document["errors"][0];
  return first.is_object() && first.contains("message") && first["message"].is_string()
             ? first["message"].get<std::string>()
             : std::string();
}

struct FetchedManifest {
  std::string body;
  std::string digest;
  Manifest manifest;
};

// GETs the manifest `which` (tag or digest) and checks it against `expected_digest` (when given) and the
// registry's Docker-Content-Digest header.
Result<FetchedManifest> fetch_manifest(RegistryClient& client, const std::string& image,
                                       const std::string& which, const std::string& expected_digest) {
  auto url = client.url("manifests/" + which);
  auto got = client.get("manifests/" + which, {{"Accept", manifest_accept_header()}}, k_max_manifest_size);
  if (!got) return fail(std::move(got.error()).wrap(fmt::format("cannot pull {}", image)));
  auto response = std::move(*got);
  auto status = response.head.status;
  if (status != 200) {
    auto reason = registry_message(response.body);
    if (reason.empty()) reason = status == 401 ? "authentication required (mk pulls anonymously)" : "failed";
    return fail(ErrorCode::network,
                fmt::format("cannot pull {}: {} (HTTP status {} from {})", image, reason, status, url));
  }
  FetchedManifest fetched;
  fetched.digest = "sha256:" + core::sha256_hex(response.body);
  auto mismatch = [&](const std::string& expected) {
    return fail(ErrorCode::checksum,
                fmt::format("cannot pull {}: the manifest from {} has digest {}, expected {}", image, url,
                            fetched.digest, expected));
  };
  if (!expected_digest.empty() && expected_digest != fetched.digest) return mismatch(expected_digest);
  if (auto it = response.head.headers.find("docker-content-digest");
      it != response.head.headers.end() && it->second.starts_with("sha256:") && it->second != fetched.digest)
    return mismatch(it->second);
  auto content_type = response.head.headers.find("content-type");
  auto parsed =
      parse_manifest(response.body, content_type == response.head.headers.end() ? "" : content_type->second);
  if (!parsed) return fail(std::move(parsed.error()).wrap(fmt::format("cannot pull {} from {}", image, url)));
  fetched.manifest = std::move(*parsed);
  fetched.body = std::move(response.body);
  return fetched;
}

// Makes sure `cache`/sha256/<hex> holds `blob`, fetching it when missing (resuming a partial one).
Status fetch_blob(RegistryClient& client, const std::string& image, const Descriptor& blob,
                  const fs::path& cache, Progress& progress) {
  auto destination = cache / "sha256" / sha256_hex_of(blob.digest);
  net::DownloadOptions options;
  options.expected_sha256 = sha256_hex_of(blob.digest);
  options.progress = [&](const net::DownloadProgress& state) { progress.update(state.received); };
  options.headers = client.auth_headers();
  auto url = client.url("blobs/" + blob.digest);
  auto status = net::download_file(url, destination, options);
  // A token lives a few minutes: after a refusal, fetch a new one and try once more (resuming).
  if (!status && status.error().code == ErrorCode::network && MK_TRY(client.refresh_token())) {
    options.headers = client.auth_headers();
    status = net::download_file(url, destination, options);
  }
  if (!status) return fail(std::move(status.error()).wrap(fmt::format("cannot pull {}", image)));
  std::error_code ec;
  auto size = fs::file_size(destination, ec);
  progress.finish_blob(ec ? blob.size : size);
  return {};
}

std::string index_json(const ImageReference& reference, const FetchedManifest& manifest,
                       const std::optional<Platform>& platform) {
  json annotations = {{"io.containerd.image.name", reference.to_string()}};
  if (!reference.tag.empty()) annotations["org.opencontainers.image.ref.name"] = reference.tag;
  json entry = {{"mediaType", manifest.manifest.media_type},
                {"digest", manifest.digest},
                {"size", manifest.body.size()},
                {"annotations", annotations}};
  if (platform) {
    entry["platform"] = {{"os", platform->os}, {"architecture", platform->architecture}};
    if (!platform->variant.empty()) entry["platform"]["variant"] = platform->variant;
  }
  json index = {{"schemaVersion", 2}, {"mediaType", k_oci_index}, {"manifests", json::array({entry})}};
  return index.dump();
}

std::string platform_list(const std::vector<Descriptor>& manifests) {
  std::string list;
  for (const auto& entry : manifests) {
    if (!entry.platform) continue;
    auto name = entry.platform->os + "/" + entry.platform->architecture;
    if (!entry.platform->variant.empty()) name += "/" + entry.platform->variant;
    if (list.find(name) != std::string::npos) continue;
    list += list.empty() ? name : ", " + name;
  }
  return list.empty() ? "none" : list;
}

Status pull_from(const std::string& endpoint, const ImageReference& reference, const fs::path& archive,
                 const PullOptions& options, const fs::path& cache) {
  auto image = reference.to_string();
  RegistryClient client(endpoint, reference.repository);
  auto chosen = MK_TRY(fetch_manifest(client, image, reference.manifest_reference(), reference.digest));
  std::optional<Platform> platform;
  if (chosen.manifest.is_index) {
    auto entry = select_platform(chosen.manifest.manifests, options.os, options.architecture);
    if (!entry)
      return fail(ErrorCode::network,
                  fmt::format("cannot pull {}: it has no {}/{} image (it has {})", image, options.os,
                              options.architecture, platform_list(chosen.manifest.manifests)));
    platform = entry->platform;
    chosen = MK_TRY(fetch_manifest(client, image, entry->digest, entry->digest));
    if (chosen.manifest.is_index)
      return fail(ErrorCode::network, fmt::format("cannot pull {}: its {}/{} entry is an index, not an image",
                                                  image, options.os, options.architecture));
  }
  std::vector<Descriptor> blobs;
  std::set<std::string> seen;
  uint64_t total = 0;
  for (const auto& blob : {std::vector<Descriptor>{chosen.manifest.config}, chosen.manifest.layers})
    for (const auto& descriptor : blob)
      if (seen.insert(descriptor.digest).second) {
        blobs.push_back(descriptor);
        total += descriptor.size;
      }
  auto name = reference.repository.substr(reference.repository.rfind('/') + 1);
  Progress progress(options.progress, name, total);
  for (const auto& blob : blobs)
    MK_TRY(fetch_blob(client, image, blob, cache, progress));

  std::vector<mk::archive::TarFile> files;
  files.push_back({"oci-layout", R"({"imageLayoutVersion":"1.0.0"})", {}});
  files.push_back({"index.json", index_json(reference, chosen, platform), {}});
  files.push_back({"blobs/sha256/" + sha256_hex_of(chosen.digest), chosen.body, {}});
  for (const auto& blob : blobs) {
    auto hex = sha256_hex_of(blob.digest);
    files.push_back({"blobs/sha256/" + hex, {}, cache / "sha256" / hex});
  }
  auto written = mk::archive::write_tar_file(archive, files);
  if (!written) return fail(std::move(written.error()).wrap(fmt::format("cannot pull {}", image)));
  return {};
}

// Removes a temporary directory on scope exit.
struct TemporaryDirectory {
  fs::path path;
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

} // namespace

std::vector<std::string> endpoints_for(const ImageReference& reference, const PullOptions& options) {
  std::vector<std::string> endpoints;
  if (reference.registry == "docker.io") {
    for (auto mirror : options.registry_mirrors) {
      while (mirror.ends_with('/'))
        mirror.pop_back();
      if (mirror.empty()) continue;
      endpoints.push_back(mirror.find("://") == std::string::npos ? "https://" + mirror : mirror);
    }
  }
  endpoints.push_back(base_url(reference.registry, reference.api_host(), options.insecure_registries));
  return endpoints;
}

Status pull_to_archive(const ImageReference& reference, const fs::path& archive, const PullOptions& options) {
  auto lock_path = archive;
  lock_path += ".lock";
  if (archive.has_parent_path()) MK_TRY(core::ensure_directory(archive.parent_path()));
  auto lock = MK_TRY(core::FileLock::acquire(lock_path, k_lock_timeout, [] {}));
  TemporaryDirectory temporary;
  auto cache = options.blob_cache;
  if (cache.empty()) {
    cache = temporary.path = fs::path(archive.string() + ".blobs");
  }
  auto endpoints = endpoints_for(reference, options);
  for (size_t i = 0; i < endpoints.size(); ++i) {
    auto status = pull_from(endpoints[i], reference, archive, options, cache);
    bool may_fall_through =
        i + 1 < endpoints.size() && !status &&
        (status.error().code == ErrorCode::network || status.error().code == ErrorCode::checksum);
    if (!may_fall_through) return status;
    if (options.progress)
      options.progress(fmt::format("{}: mirror {} failed ({}), trying {}", reference.to_string(),
                                   endpoints[i], status.error().summary(), endpoints[i + 1]));
  }
  return fail(ErrorCode::failure, "no endpoint to pull from"); // not reached: there is always one
}

bool registry_reachable(std::string_view repository, std::chrono::milliseconds timeout,
                        const std::vector<std::string>& insecure_registries) {
  auto registry = registry_of_repository(repository);
  auto host = registry == "docker.io" ? std::string("registry-1.docker.io") : registry;
  net::HttpRequest request;
  request.url = base_url(registry, host, insecure_registries) + "/v2/";
  request.connect_timeout = timeout;
  request.idle_timeout = timeout;
  request.max_redirects = 2;
  // Name resolution has no timeout of its own: the request runs on its own thread, abandoned after `timeout`.
  auto answer = std::make_shared<std::promise<bool>>();
  auto reachable = answer->get_future();
  std::thread([request, answer] {
    auto head = net::http_stream(request, nullptr, [](std::string_view) { return true; });
    answer->set_value(head && (head->status == 200 || head->status == 401));
  }).detach();
  return reachable.wait_for(timeout) == std::future_status::ready && reachable.get();
}

} // namespace mk::registry
