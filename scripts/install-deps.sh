#!/bin/sh
# Installs everything needed to build mk and run its tests on Debian 12 (bookworm). Run as root.
# Idempotent: packages already present are not downloaded again.
set -eu
export DEBIAN_FRONTEND=noninteractive
build="cmake ninja-build g++ pkg-config python3 git ca-certificates clang-format
  libboost-dev libboost-system-dev libboost-filesystem-dev libssl-dev libyaml-cpp-dev libfmt-dev
  libcli11-dev catch2 nlohmann-json3-dev libexpected-dev liblz4-dev libarchive-dev"
# runtime of mk itself: a docker engine and the OpenSSH client (`mk ssh`)
runtime="docker.io openssh-client openssl curl iproute2 procps"
# node image build and the local Kubernetes release used by the end-to-end tests
testenv="debootstrap docker-registry golang-go golang-github-modern-go-reflect2-dev make rsync jq lz4 conntrack gcc libc6-dev bc"
# the VM node: qemu (the driver; no GUI, no recommends), vde2 (the switch between VM nodes), and what the VM packaging of the node image runs on the
# host (depmod on the extracted guest kernel, the initramfs cpio, mkfs.ext4 -d, qemu-img). The guest kernel and
# busybox-static are only `apt-get download`ed, never installed.
vm="qemu-system-x86 qemu-utils vde2 kmod cpio e2fsprogs"
missing=""
for p in $build $runtime $testenv $vm; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  # the package's own config would start a registry with htpasswd auth on :5000; the tests run their own
  echo "installing:$missing"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
echo "dependencies ready"
