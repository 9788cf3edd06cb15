#!/bin/bash
# Builds a real preload tarball for the local Kubernetes release, the way minikube's preloads are made: containerd's
# image store (the control-plane images under their upstream names, unpacked for the overlayfs snapshotter) and the
# kubeadm/kubelet/kubectl binaries, as ./lib/containerd and ./lib/minikube/binaries of /var, compressed with lz4.
# Output: $MK_TESTENV_CACHE/mirror/preload/v18/<version>/<name> and <name>.sha256 (served by the binary mirror).
# The images are pulled from the registry's loopback instance (the host's docker trusts plain HTTP on loopback only):
# $MK_TESTENV_PUSH_REGISTRY when this runs under `registry.sh push`, else one started here and stopped at exit.
# Idempotent (reused while it exists). Usage: build-preload.sh BIN_DIR K8S_VERSION NODE_IMAGE
set -euo pipefail
bin=$1 version=$2 node_image=$3
here=$(cd "$(dirname "$0")" && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
name=preloaded-images-k8s-v18-$version-containerd-overlay2-amd64.tar.lz4
out_dir=$cache/mirror/preload/v18/$version
if [ -s "$out_dir/$name" ] && [ -s "$out_dir/$name.sha256" ]; then
  echo "reusing the preload $out_dir/$name" >&2
  exit 0
fi
work=$cache/preload-build
rm -rf "$work" && mkdir -p "$work/bin" "$out_dir"
# the images, as upstream names (what a real preload holds; mk tags them for the chosen repository)
upstream=k8s.gcr.io
pull_registry=${MK_TESTENV_PUSH_REGISTRY:-}
if [ -z "$pull_registry" ]; then
  pull_registry=$("$here/registry.sh" push-start)
  trap '"$here/registry.sh" push-stop' EXIT
fi
refs=()
for image in kube-apiserver:$version kube-controller-manager:$version kube-scheduler:$version kube-proxy:$version \
  pause:3.2 etcd:3.4.13-0; do
  docker pull -q "$pull_registry/google_containers/$image" >/dev/null
  docker tag "$pull_registry/google_containers/$image" "$upstream/$image"
  refs+=("$upstream/$image")
done
docker save -o "$work/images.tar" "${refs[@]}"
docker rmi "${refs[@]}" >/dev/null
cp "$bin/kubeadm" "$bin/kubelet" "$bin/kubectl" "$work/bin/"
volume=mk-testenv-preload-build
docker volume rm -f $volume >/dev/null 2>&1 || true
docker volume create $volume >/dev/null
# containerd needs to mount snapshots: the same rights a node has, without --privileged
docker run --rm --cgroupns=private --cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt seccomp=unconfined \
  --security-opt apparmor=unconfined --tmpfs /run --tmpfs /tmp -v $volume:/var -v "$work:/work" \
  --entrypoint /bin/sh "$node_image" -c '
    set -eu
    containerd >/work/containerd.log 2>&1 &
    daemon=$!
    for i in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done
    ctr -n k8s.io images import /work/images.tar >/dev/null
    mkdir -p /var/lib/minikube/binaries/'"$version"'
    install -m 755 /work/bin/kubeadm /work/bin/kubelet /work/bin/kubectl /var/lib/minikube/binaries/'"$version"'/
    kill $daemon; wait $daemon || true
    tar -I lz4 -C /var -cf /work/preload.tar.lz4 ./lib/containerd ./lib/minikube/binaries' >&2
docker volume rm -f $volume >/dev/null
sha256sum "$work/preload.tar.lz4" | cut -d' ' -f1 >"$out_dir/$name.sha256"
mv "$work/preload.tar.lz4" "$out_dir/$name"
rm -rf "$work"
echo "built the preload $out_dir/$name ($(du -h "$out_dir/$name" | cut -f1))" >&2
