#!/bin/bash
# Packages the node's root file system tarball as a qemu VM artefact (the contract is at the top of
# scripts/build-node-image.sh, which computes the recipe and calls this):
#   build-vm.sh ROOTFS_TAR OUT_TAR RECIPE KERNEL_PKG KERNEL_DEB_VERSION BUSYBOX_VERSION DEBS_DIR
# Steps: `apt-get download` the kernel and busybox-static into DEBS_DIR (kept: reruns download nothing; nothing is
# installed on the host), depmod the extracted kernel tree, build the initramfs (busybox + virtio modules + ./init),
# extract the rootfs into a temporary directory and customise it for a VM (rootfs/ overlay of this directory +
# unit changes below), `mkfs.ext4 -d` it into a 3 GiB image (no loop device, no mount), convert that to a
# zstd-compressed qcow2, then tar manifest.json, vmlinuz, initrd.img, base.qcow2 into OUT_TAR and write
# OUT_TAR.sha256 (each tmp + mv).
# Needs on the host: apt-get, dpkg-deb, depmod (kmod), cpio, gzip, mkfs.ext4 (e2fsprogs >= 1.43), qemu-img.
# Everything goes to stderr; the temporary directory is removed on exit.
set -euo pipefail
rootfs_tar=$1 out_tar=$2 recipe=$3 kernel_pkg=$4 kernel_deb_version=$5 busybox_version=$6 debs=$7
here=$(cd "$(dirname "$0")" && pwd)
kver=${kernel_pkg#linux-image-} # what `uname -r` says in the guest, e.g. 6.1.0-56-cloud-amd64
disk_size=3G
# the order modprobe would use (modules.dep, dependencies first): virtio before virtio_ring fails with
# "Unknown symbol virtio_break_device"
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk)
for tool in apt-get dpkg-deb depmod cpio gzip mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
started=$(date +%s)
step() { echo "vm image: $* ($(($(date +%s) - started)) s)"; }

mkdir -p "$debs"
work=$(mktemp -d "$(dirname "$debs")/vm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. the two packages, cached by exact version (apt-get download names them <pkg>_<version with : as %3a>_<arch>)
fetch_deb() { # PACKAGE VERSION -> path of the cached .deb
  local pkg=$1 version=$2 file dl
  file=$debs/${pkg}_${version//:/%3a}_amd64.deb
  if [ ! -s "$file" ]; then
    dl=$(mktemp -d "$debs/.download.XXXXXX")
    chown _apt "$dl" 2>/dev/null || true # apt's download sandbox user
    if ! (cd "$dl" && apt-get download -q "$pkg=$version") >&2; then
      rm -rf "$dl"
      echo "apt-get download $pkg=$version failed" >&2
      exit 1
    fi
    mv "$dl"/*.deb "$file"
    rm -rf "$dl"
  fi
  if [ "$(dpkg-deb -f "$file" Package)" != "$pkg" ] || [ "$(dpkg-deb -f "$file" Version)" != "$version" ]; then
    echo "$file is not $pkg $version" >&2
    rm -f "$file"
    exit 1
  fi
  echo "$file"
}
kernel_deb=$(fetch_deb "$kernel_pkg" "$kernel_deb_version")
busybox_deb=$(fetch_deb busybox-static "$busybox_version")
step "kernel $kver ($kernel_deb_version), busybox-static $busybox_version"

# 2. the kernel tree: the .deb ships no modules.dep, depmod -b writes it inside the extracted tree only
dpkg-deb -x "$kernel_deb" "$work/kernel"
dpkg-deb -x "$busybox_deb" "$work/busybox"
kmods=$work/kernel/lib/modules/$kver
[ -d "$kmods" ] || kmods=$work/kernel/usr/lib/modules/$kver
if [ ! -d "$kmods" ] || [ ! -f "$work/kernel/boot/vmlinuz-$kver" ]; then
  echo "$kernel_deb has no kernel $kver" >&2
  exit 1
fi
depmod -b "${kmods%"/lib/modules/$kver"}" "$kver"

# 3. the initramfs: newc cpio, gzip; /dev/console exists before /init runs so its output is never lost
ir=$work/initrd
mkdir -p "$ir"/{bin,dev,proc,sys,newroot,lib/modules}
mknod -m 600 "$ir/dev/console" c 5 1
install -m 755 "$work/busybox/bin/busybox" "$ir/bin/busybox"
install -m 755 "$here/init" "$ir/init"
for m in "${modules[@]}"; do
  f=$(find "$kmods" -name "$m.ko" | head -1)
  [ -n "$f" ] || { echo "module $m.ko missing from $kernel_pkg" >&2; exit 1; }
  install -m 644 "$f" "$ir/lib/modules/$m.ko"
done
printf '%s\n' "${modules[@]}" >"$ir/lib/modules/order"
mkdir -p "$work/out"
find "$ir" -exec touch -h -d @0 {} + # the same inputs make the same initrd.img
(cd "$ir" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --reproducible --quiet) |
  gzip -9n >"$work/out/initrd.img"
install -m 644 "$work/kernel/boot/vmlinuz-$kver" "$work/out/vmlinuz"
step "initramfs $(stat -c %s "$work/out/initrd.img") bytes"

# 4. the VM's root file system: the shared tarball + the VM customisation
R=$work/rootfs
mkdir "$R"
tar -C "$R" --numeric-owner -xf "$rootfs_tar"
# kernel modules (the kernel itself is booted from outside with -kernel: no kernel package in the node)
moddir=$R/lib/modules
[ -L "$R/lib" ] && moddir=$R/usr/lib/modules # merged /usr: /lib -> usr/lib
mkdir -p "$moddir"
cp -a "$kmods" "$moddir/"
# the files of rootfs/ (root-owned; executables 755, the rest 644), replacing the container's ssh drop-ins,
# /etc/hosts, /etc/fstab and /etc/resolv.conf
(cd "$here/rootfs" && find . -type f | LC_ALL=C sort) | while read -r f; do
  rm -f "$R/$f"
  if [ -x "$here/rootfs/$f" ]; then mode=755; else mode=644; fi
  install -D -m "$mode" -o 0 -g 0 "$here/rootfs/$f" "$R/$f"
done
# a VM has devices: udev autoloads virtio_net, qemu_fw_cfg, virtio_rng ... by modalias; modules-load loads
# overlay and br_netfilter (etc/modules-load.d/k8s.conf)
chroot "$R" systemctl unmask systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
  systemd-udev-trigger.service systemd-modules-load.service >/dev/null 2>&1
# no periodic jobs in a throw-away node (the container image masks the others already)
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer; do
  chroot "$R" systemctl mask "$unit" >/dev/null 2>&1
done
chroot "$R" systemctl enable systemd-networkd.service mk-seed.service mk-preload.service >/dev/null 2>&1
chroot "$R" systemctl is-enabled -q containerd.service && { echo "containerd must stay disabled" >&2; exit 1; }
for unit in systemd-udevd.service systemd-modules-load.service systemd-networkd.service mk-seed.service \
  mk-preload.service ssh.service; do
  state=$(chroot "$R" systemctl is-enabled "$unit" 2>/dev/null || true)
  case $state in masked*) echo "$unit is still masked" >&2; exit 1 ;; esac
done
# an empty machine-id: systemd takes qemu's -uuid on the first boot
: >"$R/etc/machine-id"
[ -L "$R/var/lib/dbus/machine-id" ] || rm -f "$R/var/lib/dbus/machine-id"
rm -f "$R"/etc/ssh/ssh_host_*
step "root file system customised ($(du -sm "$R" | cut -f1) MB)"

# 5. the disk: ext4 filled from the directory, then qcow2 with zstd-compressed clusters (never rewritten: nodes
#    boot from overlays on it, so compression costs nothing after the build; measured under TCG: the same boot
#    time as uncompressed, 2 s more to build, ~165 MiB instead of ~460 MiB; zlib (-c alone) took 8-15 s)
truncate -s "$disk_size" "$work/base.raw" # (an existing file keeps mkfs -q quiet)
mkfs.ext4 -q -F -L mk-root -d "$R" "$work/base.raw"
rm -rf "$R"
qemu-img convert -f raw -O qcow2 -c -o compression_type=zstd -W -m 8 "$work/base.raw" "$work/out/base.qcow2"
rm -f "$work/base.raw"
step "base.qcow2 $(($(stat -c %s "$work/out/base.qcow2") / 1048576)) MiB"

# 6. manifest + tar + sha256, each written next to its final name and renamed
cat >"$work/out/manifest.json" <<EOF
{"format": 1, "recipe": "$recipe", "kernel": "$kver", "kernel_file": "vmlinuz", "initrd_file": "initrd.img", "disk_file": "base.qcow2", "root": "/dev/vda"}
EOF
mkdir -p "$(dirname "$out_tar")"
tmp_tar=$out_tar.tmp.$$
trap 'rm -rf "$work" "$tmp_tar" "$out_tar.sha256.tmp.$$"' EXIT
rm -f "$out_tar.sha256" # a tar without its .sha256 is never taken as complete
tar -C "$work/out" --owner=0 --group=0 --numeric-owner -cf "$tmp_tar" \
  manifest.json vmlinuz initrd.img base.qcow2
mv "$tmp_tar" "$out_tar"
sha256sum <"$out_tar" | cut -c1-64 >"$out_tar.sha256.tmp.$$"
mv "$out_tar.sha256.tmp.$$" "$out_tar.sha256"
step "$out_tar ($(($(stat -c %s "$out_tar") / 1048576)) MiB)"
