#!/bin/bash
# Builds a kicbase-compatible node image from Debian bookworm packages and prints its reference on the last line
# (mk-local/node:<recipe hash>). Cached: the image is reused while the recipe (this script and
# scripts/node-image/*) is unchanged, and the root file system tarball is kept under $MK_TESTENV_CACHE so that a
# wiped Docker engine only needs a `docker import` (seconds).
#
# The contract (what mk relies on, in kicbase and here): systemd as PID 1 via an entrypoint, STOPSIGNAL SIGRTMIN+3,
# container=docker; user `docker` with passwordless sudo and ~/.ssh; sshd with per-node host keys; containerd + runc
# (disabled, as in kicbase; mk enables it); CNI plugins at /opt/cni/bin; crictl on PATH; iptables, conntrack, socat,
# ethtool, lz4, tar, curl, ca-certificates; a unique machine-id per node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
recipe=$(cat "$0" "$here"/node-image/* | sha256sum | cut -c1-12)
image=mk-local/node:$recipe
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "reusing node image (recipe $recipe)" >&2
  echo "$image"
  exit 0
fi
dir=$cache/node-image/$recipe
rootfs_tar=$dir/rootfs.tar
if [ ! -s "$rootfs_tar" ]; then
  mkdir -p "$dir" "$cache/node-image/debs"
  root=$dir/rootfs
  rm -rf "$root"
  # the archive the host itself uses (first URIs line of its Debian sources); no mirror host is written here
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  packages=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,iptables,procps,ca-certificates,conntrack,socat
  packages+=,ethtool,kmod,lz4,zstd,curl,tar,containerd,runc,containernetworking-plugins,libseccomp2,util-linux,mount
  echo "debootstrap bookworm into $root (a few minutes)" >&2
  debootstrap --variant=minbase --cache-dir="$cache/node-image/debs" --include="$packages" bookworm "$root" "$mirror" \
    >"$dir/debootstrap.log" 2>&1 || { tail -20 "$dir/debootstrap.log" >&2; exit 1; }
  chroot "$root" useradd -m -s /bin/bash -G sudo docker
  chroot "$root" usermod -p '*' docker # '*' (not '!') keeps public-key login possible
  echo 'docker ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/docker"
  chmod 440 "$root/etc/sudoers.d/docker"
  install -d -m 700 -o 1000 -g 1000 "$root/home/docker/.ssh"
  # host keys are made per node at first boot
  rm -f "$root"/etc/ssh/ssh_host_*
  mkdir -p "$root/etc/systemd/system/ssh.service.d" "$root/etc/ssh/sshd_config.d"
  printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
    >"$root/etc/systemd/system/ssh.service.d/10-host-keys.conf"
  printf 'PasswordAuthentication no\nPermitRootLogin prohibit-password\nUseDNS no\n' >"$root/etc/ssh/sshd_config.d/10-node.conf"
  chroot "$root" systemctl enable ssh >/dev/null 2>&1
  chroot "$root" systemctl disable containerd >/dev/null 2>&1 || true
  # units that only slow a container's boot down or cannot work in one
  for unit in systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
    systemd-binfmt.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    chroot "$root" systemctl mask "$unit" >/dev/null 2>&1 || true
  done
  mkdir -p "$root/opt/cni"
  ln -sfn /usr/lib/cni "$root/opt/cni/bin"
  install -m 755 "$here/node-image/crictl" "$root/usr/local/bin/crictl"
  install -m 755 "$here/node-image/entrypoint" "$root/usr/local/bin/entrypoint"
  : >"$root/etc/machine-id"
  echo node >"$root/etc/hostname"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root/etc/resolv.conf"
  tar -C "$root" --numeric-owner -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$root"
fi
echo "importing $rootfs_tar" >&2
docker import -c 'ENV container=docker' -c 'ENTRYPOINT ["/usr/local/bin/entrypoint"]' "$rootfs_tar" "$image-import" >/dev/null
# docker 20.10's `import -c` rejects STOPSIGNAL: one legacy-builder layer adds it (systemd halts on SIGRTMIN+3)
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nLABEL mk.node-image.recipe=%s\n' "$image-import" "$recipe" |
  DOCKER_BUILDKIT=0 docker build -q -t "$image" - >/dev/null 2>&1
docker rmi "$image-import" >/dev/null
echo "$image"
