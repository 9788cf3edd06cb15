#!/bin/bash
# Brings up the local Kubernetes release the end-to-end tests (and an offline `mk start`) use, reusing every cached
# part: the node image, Kubernetes v1.20.2 built from Debian's source package, its component images in a local
# registry (0.0.0.0:5000, plain HTTP) and a binary mirror in the dl.k8s.io layout (HTTP on 127.0.0.1).
# Idempotent. Caches live in $MK_TESTENV_CACHE (default /var/cache/mk-testenv), outside the repository.
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

eval "$("$here/build-k8s-binaries.sh")"
say "Kubernetes $K8S_VERSION binaries in $K8S_BIN"

# registry: Debian's docker-registry with its own config (the packaged one enables htpasswd auth)
if ! curl -fsS -m 2 http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  mkdir -p "$cache/registry"
  cat >"$run/registry.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $cache/registry
  delete:
    enabled: true
http:
  addr: 0.0.0.0:5000
YAML
  setsid nohup docker-registry serve "$run/registry.yml" >>"$run/registry.log" 2>&1 </dev/null &
  echo $! >"$run/registry.pid"
  for _ in $(seq 50); do curl -fsS -m 1 http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -m 2 http://127.0.0.1:5000/v2/ >/dev/null || { tail "$run/registry.log" >&2; exit 1; }
  say "started the registry on 0.0.0.0:5000 (log $run/registry.log)"
else
  say "reusing the registry on :5000"
fi
"$here/build-k8s-images.sh" "$K8S_BIN" "$K8S_TREE" "$K8S_VERSION" >&2
"$here/build-preload.sh" "$K8S_BIN" "$K8S_VERSION" "$node_image"

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
if ! curl -fsS -m 2 "http://127.0.0.1:$mirror_port/release/$K8S_VERSION/bin/linux/amd64/kubeadm.sha256" >/dev/null 2>&1; then
  setsid nohup python3 "$repo/tests/helpers/http_server.py" --bind 127.0.0.1 --port "$mirror_port" \
    --dir "$cache/mirror" --access-log "$run/mirror-access.log" >>"$run/mirror.log" 2>&1 </dev/null &
  echo $! >"$run/mirror.pid"
  for _ in $(seq 50); do curl -fsS -m 1 "http://127.0.0.1:$mirror_port/" >/dev/null 2>&1 && break; sleep 0.1; done
  say "started the binary mirror on 127.0.0.1:$mirror_port"
else
  say "reusing the binary mirror on 127.0.0.1:$mirror_port"
fi

# the address node containers reach the host at (any mk network routes to it)
docker0=$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}' | cut -d/ -f1)
[ -n "$docker0" ] || docker0=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}')
[ -n "$docker0" ] || { echo "cannot find the docker0 address nodes reach the host at" >&2; exit 1; }
cat >"$run/env.sh" <<ENV
export MK_TEST_BASE_IMAGE=$node_image
export MK_TEST_K8S_VERSION=$K8S_VERSION
export MK_TEST_REGISTRY=$docker0:5000
export MK_TEST_IMAGE_REPOSITORY=$docker0:5000/google_containers
export MK_TEST_BINARY_MIRROR=http://127.0.0.1:$mirror_port/release
export MK_TEST_PRELOAD_MIRROR=http://127.0.0.1:$mirror_port/preload
export MK_TEST_NO_PRELOAD_MIRROR=http://127.0.0.1:$mirror_port/no-preload
export MK_TEST_MIRROR_ACCESS_LOG=$run/mirror-access.log
export MK_TEST_REGISTRY_LOG=$run/registry.log
export MK_TEST_KUBECTL=$K8S_BIN/kubectl
export MK_TESTENV_RUN=$run
ENV
say "ready after $(($(date +%s) - started)) s; environment in $run/env.sh"
cat "$run/env.sh"
