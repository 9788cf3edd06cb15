#!/bin/bash
# Makes the control-plane images of the local Kubernetes release from the binaries of build-k8s-binaries.sh with
# `docker import` and pushes them to the local registry (<registry>/google_containers):
#   kube-apiserver, kube-controller-manager, kube-scheduler (the static binary), kube-proxy (+ iptables, conntrack
#   and their libraries, nft backend like the node), pause (the source tree's pause.c, static), etcd (Debian's
#   etcd-server binary, tagged as the version kubeadm expects), and the tests' workload image mk-test-busybox:2
#   (Debian's busybox-static, every applet a link to the one static binary: sh, ping, wget, httpd, nc, ip, timeout,
#   ...; its wget crashes with -T, so callers bound it with `timeout`), and the registry addon's image registry
#   (Debian's docker-registry, i.e. distribution 2.8, tagged as the upstream docker.io/registry tag that
#   addons/registry/addon.yaml pins, so the addon finds it under --image-repository; it behaves like the upstream
#   image: `registry serve /etc/docker/registry/config.yml`, plain HTTP on :5000, data in /var/lib/registry).
# There is no CoreDNS source on Debian 12, so no CoreDNS image: its pods stay pending in the tests.
# Idempotent: an image whose tag the registry already has (asked at $MK_TESTENV_REGISTRY, the read-only instance) is
# skipped. Pushes go through the writable loopback instance: $MK_TESTENV_PUSH_REGISTRY when this runs under
# `registry.sh push`, else one started (registry.sh push-start) at the first push and stopped at exit.
# Usage: MK_TESTENV_REGISTRY=HOST:PORT build-k8s-images.sh BIN_DIR SOURCE_TREE K8S_VERSION
set -euo pipefail
bin=$1 tree=$2 version=$3
here=$(cd "$(dirname "$0")" && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
work=$cache/images
registry=${MK_TESTENV_REGISTRY:?the read-only registry to check, HOST:PORT (set by up.sh)}
push_registry=${MK_TESTENV_PUSH_REGISTRY:-}
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$work"

pushed() { curl -fsS "http://$registry/v2/google_containers/$1/tags/list" 2>/dev/null | grep -q "\"$2\""; }

# the writable registry, started at the first push unless one was given
ensure_push_registry() {
  [ -n "$push_registry" ] && return 0
  push_registry=$("$here/registry.sh" push-start)
  trap '"$here/registry.sh" push-stop' EXIT
}

# a minimal root: usrmerge links, /tmp, CA bundle, passwd/group
skeleton() {
  local root=$1
  rm -rf "$root"
  mkdir -p "$root"/usr/{bin,sbin,lib,lib64,local/bin} "$root"/etc/ssl/certs "$root"/tmp "$root"/run "$root"/var/run
  chmod 1777 "$root/tmp"
  for l in bin sbin lib lib64; do ln -s usr/$l "$root/$l"; done
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
}

# copies the files of installed Debian packages (libraries, binaries) into a root
copy_packages() {
  local root=$1 package list file path
  shift
  for package in "$@"; do
    list=/var/lib/dpkg/info/$package.list
    [ -f "$list" ] || list=/var/lib/dpkg/info/$package:amd64.list
    [ -f "$list" ] || { echo "package $package is not installed" >&2; exit 1; }
    while read -r file; do
      case "$file" in /usr/share/* | /etc/init.d/* | */gconv/* | /sbin/ldconfig* | /etc/ld.so.conf.d/* | /.) continue ;; esac
      path=$(echo "$file" | sed -e 's#^/lib64/#/usr/lib64/#' -e 's#^/lib/#/usr/lib/#' -e 's#^/bin/#/usr/bin/#' -e 's#^/sbin/#/usr/sbin/#')
      if [ -L "$path" ] || [ -f "$path" ]; then mkdir -p "$root$(dirname "$path")"; cp -a "$path" "$root$path"; fi
    done <"$list"
  done
}

publish() {
  local root=$1 name=$2 tag=$3 image
  shift 3
  ensure_push_registry
  image=$push_registry/google_containers/$name:$tag
  tar -C "$root" --owner=0 --group=0 --numeric-owner -c . | docker import "$@" - "$image" >/dev/null
  docker push -q "$image" >/dev/null
  pushed "$name" "$tag" || { echo "pushed $image but $registry does not list it" >&2; exit 1; }
  echo "pushed $name:$tag"
}

path_env='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
for component in kube-apiserver kube-controller-manager kube-scheduler; do
  pushed $component "$version" && continue
  skeleton "$work/$component"
  install -m 755 "$bin/$component" "$work/$component/usr/local/bin/$component"
  publish "$work/$component" $component "$version" -c "$path_env"
done

if ! pushed kube-proxy "$version"; then
  command -v conntrack >/dev/null || apt-get install -y -qq conntrack >/dev/null
  root=$work/kube-proxy
  skeleton "$root"
  install -m 755 "$bin/kube-proxy" "$root/usr/local/bin/kube-proxy"
  copy_packages "$root" libc6 iptables libxtables12 libip4tc2 libip6tc2 libnftnl11 libmnl0 libnetfilter-conntrack3 libnfnetlink0 conntrack
  mkdir -p "$root/etc/alternatives"
  for a in iptables iptables-restore iptables-save ip6tables ip6tables-restore ip6tables-save; do
    cp -a "/etc/alternatives/$a" "$root/etc/alternatives/$a"
    cp -a "/usr/sbin/$a" "$root/usr/sbin/$a"
  done
  chroot "$root" /usr/sbin/iptables --version >/dev/null
  publish "$root" kube-proxy "$version" -c "$path_env"
fi

if ! pushed pause 3.2; then
  root=$work/pause
  rm -rf "$root" && mkdir -p "$root"
  gcc -static -Os -DVERSION=v3.2-mk -o "$root/pause" "$tree/build/pause/linux/pause.c"
  strip "$root/pause"
  publish "$root" pause 3.2 -c 'ENTRYPOINT ["/pause"]'
fi

if ! pushed etcd 3.4.13-0; then
  (cd "$work" && rm -rf etcd-deb etcd-server_*.deb && apt-get download etcd-server >/dev/null 2>&1 && dpkg-deb -x etcd-server_*.deb etcd-deb)
  root=$work/etcd
  skeleton "$root"
  install -m 755 "$work/etcd-deb/usr/bin/etcd" "$root/usr/local/bin/etcd"
  copy_packages "$root" libc6
  mkdir -p "$root/var/lib/etcd"
  publish "$root" etcd 3.4.13-0 -c "$path_env"
fi

if ! pushed mk-test-busybox 2; then
  (cd "$work" && rm -rf busybox-deb busybox-static_*.deb && apt-get download busybox-static >/dev/null 2>&1 && dpkg-deb -x busybox-static_*.deb busybox-deb)
  root=$work/busybox
  skeleton "$root"
  install -m 755 "$work/busybox-deb/bin/busybox" "$root/usr/bin/busybox"
  for applet in $("$root/usr/bin/busybox" --list); do
    [ -e "$root/usr/bin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
  done
  mkdir -p "$root/www"
  publish "$root" mk-test-busybox 2 -c "$path_env" -c 'CMD ["sh"]'
fi

# the registry addon's image: the tag is the one addons/registry/addon.yaml pins upstream
registry_tag=$(sed -n 's#^ *upstream: *docker\.io/registry:\([^@]*\)@.*#\1#p' "$here/../../addons/registry/addon.yaml")
[ -n "$registry_tag" ] || { echo "cannot read the registry tag from addons/registry/addon.yaml" >&2; exit 1; }
if ! pushed registry "$registry_tag"; then
  (cd "$work" && rm -rf registry-deb docker-registry_*.deb && apt-get download docker-registry >/dev/null 2>&1 &&
    dpkg-deb -x docker-registry_*.deb registry-deb)
  root=$work/registry
  skeleton "$root"
  install -m 755 "$work/registry-deb/usr/bin/docker-registry" "$root/usr/bin/registry"
  copy_packages "$root" libc6
  mkdir -p "$root/etc/docker/registry" "$root/etc/distribution" "$root/var/lib/registry"
  cat >"$root/etc/docker/registry/config.yml" <<'YAML'
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML
  # where the upstream registry:3 image keeps its config
  ln -s ../docker/registry/config.yml "$root/etc/distribution/config.yml"
  chroot "$root" /usr/bin/registry --version >/dev/null
  publish "$root" registry "$registry_tag" -c "$path_env" -c 'EXPOSE 5000' \
    -c 'ENTRYPOINT ["/usr/bin/registry"]' -c 'CMD ["serve", "/etc/docker/registry/config.yml"]'
fi
