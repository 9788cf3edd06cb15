#!/bin/bash
# Stops the local registry (its read-only instance, and a writable one a push left behind) and the binary mirror
# started by up.sh, waiting until they are gone. Caches stay (reruns take seconds); with --purge the whole cache
# directory and the node image are removed too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
run=$cache/run
"$here/registry.sh" stop registry 2>&1
"$here/registry.sh" push-stop 2>&1
if [ -f "$run/mirror.pid" ]; then
  pid=$(cat "$run/mirror.pid")
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "http_server.py --bind 127.0.0.1"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped the mirror"
  fi
  rm -f "$run/mirror.pid"
fi
if [ "${1:-}" = --purge ]; then
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(mk-local/node|127.0.0.1:500[01]/)' | xargs -r docker rmi >/dev/null || true
  rm -rf "$cache"
  echo "removed $cache"
fi
