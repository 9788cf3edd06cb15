// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/core/error.hpp"
#include "mk/core/paths.hpp"
#include "mk/driver/driver.hpp"

#include <filesystem>
#include <string>

// The VM node artefact (scripts/build-node-image.sh --vm): one tar file, published with a ".sha256" beside
// it, holding manifest.json, the kernel, its initramfs and the read-only base disk (qcow2) of the node's root
// file system. Its name is mk-node-vm-<recipe>-amd64.tar. mk keeps it in MK_HOME/cache/vm/ as downloaded
// (for `mk cache export`) and unpacked beside it; the unpacked base disk is never written (node disks are
// overlays on it).
namespace mk::drivers::qemu {

struct VmImage {
  std::filesystem::path kernel, initrd, base_disk;
  std::string recipe;
  std::string kernel_version;
};

// The downloaded artefact for `location` (a URL or a host path) in the cache.
std::filesystem::path cached_archive(const core::Paths& paths, std::string_view location);

// The unpacked image of `location`, when the cache holds it complete; nullopt otherwise.
Result<std::optional<VmImage>> cached_image(const core::Paths& paths, std::string_view location);

// Makes the image of `location` available unpacked: downloads it (verified against the published sha256;
// a host path is verified against <path>.sha256 when that exists) unless cached, then unpacks it. checksum
// when the content does not match; network when it cannot be fetched.
Result<VmImage> ensure_image(const core::Paths& paths, std::string_view location,
                             const driver::ProgressFn& progress);

// Copies the cached artefact of `location` to `destination` / puts the artefact file `archive` into the
// cache (named by its manifest's recipe) and unpacks it.
Status save_archive(const core::Paths& paths, std::string_view location,
                    const std::filesystem::path& destination);
Status load_archive(const core::Paths& paths, const std::filesystem::path& archive);

} // namespace mk::drivers::qemu
