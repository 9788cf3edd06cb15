// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/env.hpp"
#include "mk/driver/driver.hpp"

#include <string>
#include <vector>

// `mk image load|ls|rm`: images in the containerd of every running node of a cluster (namespace k8s.io, the
// one the kubelet uses).
namespace mk::cluster {

struct ImageLoad {
  std::string source;    // an image of the host's engine, or a tar file (docker save / OCI layout)
  bool overwrite = true; // false: nodes that already have the image keep theirs (engine images only)
};

// Loads the image into every running node, streamed (no copy of the whole image on disk): from the engine
// through a pipe (`docker save`), or from the file. Returns the nodes that got it. not_found when the source
// is neither a file nor an image of the engine.
Result<std::vector<std::string>> load_image(Env& env, driver::Driver& driver, std::string_view profile,
                                            const ImageLoad& load);

// The images of every running node, by name (digest-only entries left out), sorted and unique.
Result<std::vector<std::string>> list_images(Env& env, driver::Driver& driver, std::string_view profile);

// Removes `image` ("busybox:1" is docker.io/library/busybox:1) from every running node; not_found when no
// node had it.
Status remove_image(Env& env, driver::Driver& driver, std::string_view profile, std::string_view image);

} // namespace mk::cluster
