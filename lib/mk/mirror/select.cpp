// SPDX-License-Identifier: Apache-2.0
#include "mk/mirror/select.hpp"

#include "mk/mirror/countries.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mk::mirror {

namespace {
// The country whose repository list holds `repository`, or nullptr.
const CountryMirrors* country_of(std::string_view repository) {
  for (const auto& country : countries())
    if (std::find(country.image_repositories.begin(), country.image_repositories.end(), repository) !=
        country.image_repositories.end())
      return &country;
  return nullptr;
}
} // namespace

std::string country_of_repository(std::string_view repository) {
  const auto* country = country_of(repository);
  return country ? std::string(country->country) : std::string();
}

bool flat_repository(std::string_view repository) {
  const auto* country = country_of(repository);
  return country && country->flat_image_names;
}

Result<Selection> select_sources(const MirrorFlags& flags, const Probe& probe) {
  Selection selection;
  const CountryMirrors* country = nullptr;
  if (!flags.image_mirror_country.empty()) {
    country = find_country(flags.image_mirror_country);
    if (!country) {
      std::string known;
      for (const auto& c : countries())
        known += (known.empty() ? "" : ", ") + std::string(c.country);
      return fail(ErrorCode::usage,
                  fmt::format("unknown --image-mirror-country \"{}\": mk has mirrors for {}",
                              flags.image_mirror_country, known));
    }
  }
  std::string repository;
  if (!flags.image_repository.empty() && flags.image_repository != "auto") {
    repository = flags.image_repository;
  } else if (country) {
    repository = std::string(country->image_repositories.front());
    if (probe) {
      auto reachable = std::find_if(country->image_repositories.begin(), country->image_repositories.end(),
                                    [&](std::string_view r) { return probe(r); });
      if (reachable != country->image_repositories.end())
        repository = std::string(*reachable);
      else
        selection.warnings.push_back(fmt::format(
            "none of the image repositories for {} answered; using {} anyway", country->country, repository));
    }
  } else if (flags.image_repository == "auto") {
    std::vector<std::string> candidates = {""};
    for (const auto& c : countries())
      for (auto r : c.image_repositories)
        candidates.emplace_back(r);
    if (probe) {
      auto reachable = std::find_if(candidates.begin(), candidates.end(), [&](const std::string& r) {
        return probe(r.empty() ? k_upstream_repository : r);
      });
      if (reachable == candidates.end())
        return fail(Error{ErrorCode::network,
                          "--image-repository=auto: no image repository answered",
                          {},
                          {},
                          "name a reachable registry with --image-repository, or a mirror country with "
                          "--image-mirror-country"});
      repository = *reachable;
    }
  }
  if (!country && !repository.empty()) country = country_of(repository);
  selection.country = country ? std::string(country->country) : "";
  bool flat = flat_repository(repository);
  selection.sources.image_repository = repository;
  selection.sources.flat_image_names = flat;
  selection.sources.binary_base = !flags.binary_mirror.empty() ? flags.binary_mirror
                                  : country                    ? std::string(country->binary_base)
                                                               : "";
  selection.sources.preload_base = !flags.preload_mirror.empty() ? flags.preload_mirror
                                   : country                     ? std::string(country->preload_base)
                                                                 : "";
  auto base_repository = country ? std::string(country->base_image_repository) : repository;
  selection.sources.base_image =
      base_image_for(flags.base_image, base_repository, country ? country->flat_image_names : flat);
  if (flags.vm)
    selection.sources.base_image = !flags.vm_image.empty() ? flags.vm_image
                                   : country               ? vm_image_url(country->vm_image_base)
                                                           : vm_image_url(k_default_vm_image_base);
  if (!repository.empty()) selection.notes.push_back(fmt::format("Using image repository {}", repository));
  return selection;
}

} // namespace mk::mirror
