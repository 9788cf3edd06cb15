#!/bin/bash
# Stops the local registry and binary mirror started by up.sh. Caches stay (reruns take seconds); with --purge the
# whole cache directory and the node image are removed too.
set -euo pipefail
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
run=$cache/run
for service in registry mirror; do
  if [ -f "$run/$service.pid" ]; then
    kill "$(cat "$run/$service.pid")" 2>/dev/null && echo "stopped the $service" || true
    rm -f "$run/$service.pid"
  fi
done
if [ "${1:-}" = --purge ]; then
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(mk-local/node|127.0.0.1:5000/)' | xargs -r docker rmi >/dev/null || true
  rm -rf "$cache"
  echo "removed $cache"
fi
