#!/bin/bash
# Builds the Kubernetes server binaries used by the end-to-end tests from Debian's `kubernetes` source package with
# Debian's Go, so that no upstream download is needed.
#
# Output: $MK_TESTENV_CACHE/k8s/<package version>/bin/{kubeadm,kubelet,kubectl,kube-apiserver,
#         kube-controller-manager,kube-scheduler,kube-proxy}; reused when all seven exist (seconds).
# Prints three lines on stdout: K8S_VERSION=v1.20.2, K8S_BIN=<dir>, K8S_TREE=<source tree>; progress goes to stderr.
# Cold: 20-30 min on 2 cores.
#
# The vendored github.com/modern-go/reflect2 v1.0.1 is broken with Go >= 1.18 (json-iterator map decoding panics,
# kubeadm dies in [kubelet-start]); `go build -overlay` swaps in Debian's v1.0.2 without touching the source tree.
set -euo pipefail
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
commands="kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy"
export DEBIAN_FRONTEND=noninteractive

# deb-src entry that reuses the URIs of the machine's own Debian sources (no mirror host is written here)
src_list=/etc/apt/sources.list.d/mk-testenv-src.sources
if ! apt-cache showsrc kubernetes >/dev/null 2>&1 || ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Version'; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
  apt-get update -qq
fi
pkg_version=$(apt-cache showsrc kubernetes | awk '/^Version:/{print $2; exit}')
upstream=${pkg_version#*:}; upstream=${upstream%%-*}       # e.g. 1.20.5+really1.20.2
k8s_version=v${upstream##*really}                          # v1.20.2
out=$cache/k8s/$pkg_version/bin
ok=1; for c in $commands; do [ -x "$out/$c" ] || ok=0; done
work=$cache/k8s/$pkg_version/src
tree=$work/kubernetes-${k8s_version#v}
report() { printf 'K8S_VERSION=%s\nK8S_BIN=%s\nK8S_TREE=%s\n' "$k8s_version" "$out" "$tree"; }
if ((ok)) && [ -d "$tree/build/pause" ]; then
  echo "reusing the Kubernetes $k8s_version binaries in $out" >&2
  report
  exit 0
fi
exec 3>&1 1>&2
mkdir -p "$work" "$out"
cd "$work"
ls kubernetes_*.orig.tar.* >/dev/null 2>&1 || apt-get source --download-only kubernetes >/dev/null
if [ ! -d "$tree" ]; then
  mkdir -p "$tree.tmp" && tar -xf kubernetes_*.orig.tar.* -C "$tree.tmp" --strip-components=1 && mv "$tree.tmp" "$tree"
fi
cd "$tree"
commit=faecb196815e248d3ecfb03c680a4507229c2a56   # upstream v1.20.2 tag, used for version stamps only
export KUBE_GIT_VERSION=$k8s_version KUBE_GIT_TREE_STATE=clean KUBE_GIT_COMMIT=$commit
export CGO_ENABLED=0 HOME=$work/home GOCACHE=$work/gocache
mkdir -p "$HOME"
# 1. the tree's own build once: code generation and the GOPATH layout under _output/local/go
if [ ! -x _output/bin/kubeadm ]; then
  echo "running the source tree's code generation (make WHAT=cmd/kubeadm), log in $work/make.log"
  make WHAT=cmd/kubeadm GOLDFLAGS="-s -w" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log"; exit 1; }
fi
# 2. overlay: every vendored reflect2 file replaced by Debian's 1.0.2 files (files 1.0.2 lacks are dropped)
gopath=$tree/_output/local/go
vendored=$gopath/src/k8s.io/kubernetes/vendor/github.com/modern-go/reflect2
fixed=/usr/share/gocode/src/github.com/modern-go/reflect2
python3 - "$vendored" "$fixed" "$work/overlay.json" <<'PY'
import json, os, sys
vendored, fixed, out = sys.argv[1:]
replace = {os.path.join(vendored, f): "" for f in os.listdir(vendored) if f.endswith(".go")}
for f in os.listdir(fixed):
    if f.endswith(".go") and not f.endswith("_test.go"):
        replace[os.path.join(vendored, f)] = os.path.join(fixed, f)
json.dump({"Replace": replace}, open(out, "w"), indent=1)
PY
minor=${k8s_version#v1.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  p=k8s.io/kubernetes/vendor/$pkg
  ldflags+=" -X '$p.gitCommit=$commit' -X '$p.gitTreeState=clean' -X '$p.gitVersion=$k8s_version'"
  ldflags+=" -X '$p.gitMajor=1' -X '$p.gitMinor=$minor' -X '$p.buildDate=2021-01-13T13:20:00Z'"
done
cd "$gopath/src/k8s.io/kubernetes"
pkgs=(); for c in $commands; do pkgs+=("./cmd/$c"); done
echo "building $commands with the reflect2 overlay"
GO111MODULE=off GOPATH=$gopath GOFLAGS= go build -overlay "$work/overlay.json" -installsuffix static \
  -ldflags "$ldflags" -tags "selinux,notest" -o "$out.tmp/" "${pkgs[@]}"
mv "$out.tmp"/* "$out/" && rmdir "$out.tmp"
[ "$("$out/kubeadm" version -o short)" = "$k8s_version" ] || { echo "kubeadm does not report $k8s_version" >&2; exit 1; }
report >&3
