#!/bin/bash
# Builds the node image from Debian bookworm packages: one debootstrap root file system, two packagings.
#
#   build-node-image.sh            the container image; prints its reference on the last line (mk-local/node:<recipe>)
#   build-node-image.sh --vm DIR   the VM artefact; prints its path on the last line (progress goes to stderr)
#
# Both are cached. The root file system tarball ($MK_TESTENV_CACHE/node-image/<recipe>/rootfs.tar, default cache
# /var/cache/mk-testenv) is kept while the recipe (this script and the plain files in scripts/node-image/) is
# unchanged, so a wiped Docker engine only needs a `docker import` (seconds) and the VM packaging starts from it
# too. The VM mode needs no Docker engine.
#
# The container contract (what mk relies on, in kicbase and here): systemd as PID 1 via an entrypoint, STOPSIGNAL
# SIGRTMIN+3, container=docker; user `docker` with passwordless sudo and ~/.ssh; sshd with per-node host keys;
# containerd + runc (disabled, as in kicbase; mk enables it); CNI plugins at /opt/cni/bin; crictl on PATH; iptables,
# conntrack, socat, ethtool, lz4, tar, curl, ca-certificates; a unique machine-id per node. udev is installed but
# masked (a container has no devices to manage).
#
# The VM artefact contract (what mk's qemu driver relies on):
#   DIR/<recipe>/mk-node-vm-<recipe>-amd64.tar         uncompressed tar, exactly these members (no leading ./):
#       manifest.json   {"format": 1, "recipe": "<recipe>", "kernel": "<uname -r>", "kernel_file": "vmlinuz",
#                        "initrd_file": "initrd.img", "disk_file": "base.qcow2", "root": "/dev/vda"}
#       vmlinuz         Debian's cloud kernel (the package linux-image-cloud-amd64 depends on)
#       initrd.img      busybox + the virtio modules; /init mounts root= (rootflags=, rootfstype=, ro/rw, init=),
#                       waits up to 10 s for it, else prints why on the console and exits (kernel panic: with
#                       panic=1 and qemu -no-reboot, qemu exits)
#       base.qcow2      3 GiB ext4 (label mk-root) of the same root file system, customised for a VM
#                       (scripts/node-image/vm/); qcow2 with zstd-compressed clusters (qemu >= 5.1); never
#                       written: per node a larger qcow2 overlay on it, the guest grows / to the overlay's size
#   DIR/<recipe>/mk-node-vm-<recipe>-amd64.tar.sha256  the tar's sha256, hex only (like dl.k8s.io's .sha256 files)
#   <recipe> = first 12 hex of the sha256 over this script, every file under scripts/node-image/ and the exact
#   kernel and busybox package versions. Both files are written atomically (tar first, .sha256 last): a tar with a
#   matching .sha256 next to it is complete.
#   Guest side (scripts/node-image/vm/rootfs/): boot with `root=/dev/vda rw console=ttyS0 panic=1
#   systemd.hostname=<node>` (+ systemd.unified_cgroup_hierarchy=0 for cgroup v1) and qemu -uuid (the machine-id is
#   the uuid without dashes). mk-seed.service reads the fw_cfg items opt/mk/authorized_keys (-> the docker user's
#   authorized_keys) and opt/mk/network (a systemd.network file, used as is), puts the hostname on 127.0.1.1 and grows
#   / to the disk. The first NIC gets DHCP (qemu user networking; DNS 10.0.2.3); sshd has one ed25519 host key made
#   at first boot; overlay and br_netfilter are loaded, bridge-nf-call-ip(6)tables and ip_forward are 1; containerd
#   stays disabled. mk-preload.service unpacks preload.tar.lz4 from a virtio disk labelled mk-preload (ext4) into
#   /var once, before containerd; when that fails the unit fails (`systemctl is-system-running`: degraded).
set -euo pipefail
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
here=$(dirname "$self")
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}

vm_out=""
case ${1:-} in
  "") ;;
  --vm)
    [ -n "${2:-}" ] || { echo "usage: $0 [--vm OUTDIR]" >&2; exit 2; }
    vm_out=$(realpath -m "$2")
    ;;
  *) echo "usage: $0 [--vm OUTDIR]" >&2; exit 2 ;;
esac

# recipe of the root file system and the container image: this script and the plain files of scripts/node-image/
# (the VM-only files in scripts/node-image/vm/ are part of the VM recipe only)
recipe_files=("$self")
for f in "$here"/node-image/*; do [ -f "$f" ] && recipe_files+=("$f"); done
recipe=$(cat "${recipe_files[@]}" | sha256sum | cut -c1-12)
dir=$cache/node-image/$recipe
rootfs_tar=$dir/rootfs.tar

# debootstrap + the node's configuration -> $rootfs_tar (numeric owners); shared by both packagings
build_rootfs() {
  mkdir -p "$dir" "$cache/node-image/debs"
  exec 9>"$dir/.lock"
  flock 9
  if [ -s "$rootfs_tar" ]; then exec 9>&-; return 0; fi
  root=$dir/rootfs
  rm -rf "$root"
  # the archive the host itself uses (first URIs line of its Debian sources); no mirror host is written here
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  packages=systemd,systemd-sysv,dbus,udev,openssh-server,sudo,iproute2,iptables,procps,ca-certificates,conntrack
  packages+=,socat,ethtool,kmod,lz4,zstd,curl,tar,containerd,runc,containernetworking-plugins,libseccomp2,util-linux
  packages+=,mount,e2fsprogs
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
  # units that only slow a container's boot down or cannot work in one (the VM packaging unmasks udev and
  # modules-load again)
  for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
    systemd-udev-trigger.service systemd-modules-load.service systemd-binfmt.service apt-daily.timer \
    apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
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
  exec 9>&-
}

if [ -n "$vm_out" ]; then
  # the exact kernel: the one the cloud meta-package depends on in the host's apt lists (never installed here);
  # lists emptied after the packages were installed (as container images do) are fetched once
  apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1 || apt-get update -qq >&2 || true
  read -r kernel_pkg kernel_deb_version < <(apt-cache show --no-all-versions linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' | head -1) || true
  busybox_version=$(apt-cache show --no-all-versions busybox-static 2>/dev/null | awk '/^Version:/{print $2; exit}')
  if [ -z "${kernel_pkg:-}" ] || [ -z "$busybox_version" ]; then
    echo "apt knows no linux-image-cloud-amd64 / busybox-static: run apt-get update (bookworm main sources)" >&2
    exit 1
  fi
  vm_recipe=$({
    cat "$self"
    (cd "$here/node-image" && find . -type f | LC_ALL=C sort) | while read -r f; do
      if [ -x "$here/node-image/$f" ]; then echo "== $f 755"; else echo "== $f 644"; fi
      cat "$here/node-image/$f"
    done
    echo "kernel $kernel_pkg=$kernel_deb_version"
    echo "busybox busybox-static=$busybox_version"
  } | sha256sum | cut -c1-12)
  vm_tar=$vm_out/$vm_recipe/mk-node-vm-$vm_recipe-amd64.tar
  # complete = the tar and a .sha256 that matches it (openssl's sha256 uses the CPU's SHA instructions: 0.4 s for
  # the ~500 MB tar, sha256sum takes 1.6 s)
  sha256_hex() {
    if command -v openssl >/dev/null; then openssl dgst -sha256 -r; else sha256sum; fi <"$1" | cut -c1-64
  }
  complete() {
    [ -s "$vm_tar" ] && [ -s "$vm_tar.sha256" ] && [ "$(sha256_hex "$vm_tar")" = "$(cat "$vm_tar.sha256")" ]
  }
  if complete; then
    echo "reusing the VM artefact (recipe $vm_recipe, ${kernel_pkg#linux-image-})" >&2
    echo "$vm_tar"
    exit 0
  fi
  mkdir -p "$cache/node-image"
  exec 8>"$cache/node-image/vm-build.lock"
  flock 8 # a concurrent build of the same recipe finishes first; then it is reused
  if complete; then echo "$vm_tar"; exit 0; fi
  [ -s "$rootfs_tar" ] || build_rootfs
  "$here/node-image/vm/build-vm.sh" "$rootfs_tar" "$vm_tar" "$vm_recipe" "$kernel_pkg" "$kernel_deb_version" \
    "$busybox_version" "$cache/node-image/vm-debs" >&2
  complete || { echo "the VM artefact $vm_tar is incomplete" >&2; exit 1; }
  exec 8>&-
  echo "$vm_tar"
  exit 0
fi

image=mk-local/node:$recipe
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "reusing node image (recipe $recipe)" >&2
  echo "$image"
  exit 0
fi
[ -s "$rootfs_tar" ] || build_rootfs
echo "importing $rootfs_tar" >&2
docker import -c 'ENV container=docker' -c 'ENTRYPOINT ["/usr/local/bin/entrypoint"]' "$rootfs_tar" "$image-import" >/dev/null
# docker 20.10's `import -c` rejects STOPSIGNAL: one legacy-builder layer adds it (systemd halts on SIGRTMIN+3)
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nLABEL mk.node-image.recipe=%s\n' "$image-import" "$recipe" |
  DOCKER_BUILDKIT=0 docker build -q -t "$image" - >/dev/null 2>&1
docker rmi "$image-import" >/dev/null
echo "$image"
