#!/bin/bash
# Brings up the local Kubernetes release the end-to-end tests (and an offline `mk start`) use, reusing every cached
# part: the node image (a container image, and the VM artefact the qemu driver boots), Kubernetes v1.20.2 built from
# Debian's source package, its component images in a local registry and a binary mirror in the dl.k8s.io layout.
# Both serve this machine only: the registry the nodes pull from listens on the Docker bridge gateway address
# (<docker0>:5000, plain HTTP; nodes on mk's own networks reach it through the host) in the registry's read-only
# mode, so nobody can overwrite or delete an image; images are pushed while the release is built through a
# writable instance on loopback only (registry.sh push), stopped afterwards. The mirror listens on 127.0.0.1 and
# also serves the VM artefact (MK_TEST_VM_IMAGE).
# Idempotent: a rerun reuses what runs, restarts what is missing (after a reboot) and replaces a registry started
# with another configuration (an earlier version's on 0.0.0.0:5000). Caches live in $MK_TESTENV_CACHE (default
# /var/cache/mk-testenv), outside the repository.
# Writes $MK_TESTENV_CACHE/run/env.sh with the flags' values; prints what it reused and what it made.
# Run as root. Tear down with scripts/testenv/down.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
export MK_TESTENV_CACHE=$cache
run=$cache/run
mkdir -p "$run"
started=$(date +%s)
say() { echo "testenv: $*" >&2; }

"$repo/scripts/install-deps.sh" >&2
"$repo/scripts/ensure-dockerd.sh" >&2

node_image=$("$repo/scripts/build-node-image.sh")
say "node image $node_image"
# the same root file system packaged for the qemu driver, served by the mirror below under /vm
vm_image_tar=$("$repo/scripts/build-node-image.sh" --vm "$cache/mirror/vm")
say "VM node image $vm_image_tar"
vm_image_url_path=$(basename "$(dirname "$vm_image_tar")")/$(basename "$vm_image_tar") # <recipe>/<name>.tar

eval "$("$here/build-k8s-binaries.sh")"
say "Kubernetes $K8S_VERSION binaries in $K8S_BIN"

# the address node containers reach the host at (any mk network routes to it)
docker0=$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}' | cut -d/ -f1)
[ -n "$docker0" ] || docker0=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}')
[ -n "$docker0" ] || { echo "cannot find the docker0 address nodes reach the host at" >&2; exit 1; }

# registry: Debian's docker-registry with its own config (the packaged one enables htpasswd auth), read-only
export MK_TESTENV_REGISTRY=$docker0:5000
"$here/registry.sh" serve registry "$MK_TESTENV_REGISTRY" readonly
"$here/build-k8s-images.sh" "$K8S_BIN" "$K8S_TREE" "$K8S_VERSION" >&2
"$here/build-preload.sh" "$K8S_BIN" "$K8S_VERSION" "$node_image"

# the test workload image in the host's engine too (mk image load, pushes to the registry addon): busybox-static
# with its applets, as in the local release, but in no registry
host_busybox=mk-local/test-busybox:2
if ! docker image inspect "$host_busybox" >/dev/null 2>&1; then
  root=$cache/images/host-busybox
  rm -rf "$root" && mkdir -p "$root/usr/bin" "$root/www" "$root/tmp"
  (cd "$cache/images" && rm -rf host-busybox-deb busybox-static_*.deb && apt-get download busybox-static >/dev/null 2>&1 &&
    dpkg-deb -x busybox-static_*.deb host-busybox-deb)
  install -m 755 "$cache/images/host-busybox-deb/bin/busybox" "$root/usr/bin/busybox"
  for l in bin sbin; do ln -s usr/bin "$root/$l"; done
  for applet in $("$root/usr/bin/busybox" --list); do
    [ -e "$root/usr/bin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
  done
  tar -C "$root" --owner=0 --group=0 --numeric-owner -c . |
    docker import -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["sh"]' - "$host_busybox" >/dev/null
  say "built $host_busybox in the host's engine"
fi

# binary mirror: <base>/<version>/bin/linux/amd64/<name> and <name>.sha256 (just the hash, like dl.k8s.io); the
# preload is served from the same server under /preload
mirror_dir=$cache/mirror/release/$K8S_VERSION/bin/linux/amd64
mkdir -p "$mirror_dir"
for name in kubeadm kubelet kubectl; do
  if ! cmp -s "$K8S_BIN/$name" "$mirror_dir/$name"; then
    cp "$K8S_BIN/$name" "$mirror_dir/$name.tmp" && mv "$mirror_dir/$name.tmp" "$mirror_dir/$name"
  fi
  sha256sum "$mirror_dir/$name" | cut -d' ' -f1 >"$mirror_dir/$name.sha256"
done
mirror_port=${MK_TESTENV_MIRROR_PORT:-18080}
mirror_answers() {
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$mirror_port/release/$K8S_VERSION/bin/linux/amd64/kubeadm.sha256" 2>/dev/null
}
if ! mirror_answers; then
  setsid nohup python3 "$repo/tests/helpers/http_server.py" --bind 127.0.0.1 --port "$mirror_port" \
    --dir "$cache/mirror" --access-log "$run/mirror-access.log" >>"$run/mirror.log" 2>&1 </dev/null &
  echo $! >"$run/mirror.pid"
  for _ in $(seq 50); do mirror_answers && break; sleep 0.1; done
  mirror_answers || { tail -n 5 "$run/mirror.log" >&2; echo "the binary mirror did not start" >&2; exit 1; }
  say "started the binary mirror on 127.0.0.1:$mirror_port"
else
  say "reusing the binary mirror on 127.0.0.1:$mirror_port"
fi

cat >"$run/env.sh" <<ENV
export MK_TEST_BASE_IMAGE=$node_image
export MK_TEST_K8S_VERSION=$K8S_VERSION
export MK_TEST_REGISTRY=$MK_TESTENV_REGISTRY
export MK_TEST_IMAGE_REPOSITORY=$MK_TESTENV_REGISTRY/google_containers
export MK_TEST_BUSYBOX_IMAGE=$MK_TESTENV_REGISTRY/google_containers/mk-test-busybox:2
export MK_TEST_HOST_BUSYBOX_IMAGE=$host_busybox
export MK_TEST_BINARY_MIRROR=http://127.0.0.1:$mirror_port/release
export MK_TEST_PRELOAD_MIRROR=http://127.0.0.1:$mirror_port/preload
export MK_TEST_NO_PRELOAD_MIRROR=http://127.0.0.1:$mirror_port/no-preload
export MK_TEST_VM_IMAGE=http://127.0.0.1:$mirror_port/vm/$vm_image_url_path
export MK_TEST_MIRROR_ACCESS_LOG=$run/mirror-access.log
export MK_TEST_REGISTRY_LOG=$run/registry.log
export MK_TEST_KUBECTL=$K8S_BIN/kubectl
export MK_TESTENV_RUN=$run
ENV
say "ready after $(($(date +%s) - started)) s; environment in $run/env.sh"
cat "$run/env.sh"
