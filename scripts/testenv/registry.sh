#!/bin/bash
# Instances of the local release's registry (Debian's docker-registry, plain HTTP), all over one storage directory
# ($MK_TESTENV_CACHE/registry). Each instance NAME has $run/NAME.yml (its config), NAME.pid and NAME.log.
#
#   registry.sh serve NAME HOST:PORT readonly|writable
#       Makes sure instance NAME serves on HOST:PORT in that mode: reused when it runs with that config and answers,
#       otherwise the process of its pid file (e.g. one with an older config, such as an earlier up.sh's registry
#       on 0.0.0.0:5000) is stopped and a new one started. "readonly" is the registry's maintenance read-only mode:
#       pulls only; pushes, deletes and blob uploads are refused (405).
#   registry.sh stop NAME
#       Stops instance NAME (by its pid file, checked to be a docker-registry of this run directory).
#   registry.sh push COMMAND [ARGS...]
#       Runs COMMAND while a writable instance serves on loopback only (127.0.0.1:$MK_TESTENV_PUSH_PORT, default
#       5001), with MK_TESTENV_PUSH_REGISTRY=<host:port> in its environment (push there with docker, or with
#       tests/helpers/registry_push.py), then stops it, also when COMMAND fails; exits with COMMAND's status.
#       What is pushed appears at once in the read-only instances.
#   registry.sh push-start / push-stop
#       The two halves of `push`, for a script that pushes only when it finds something missing: push-start starts
#       the writable instance and prints its host:port; push-stop stops it. The release build also pulls through it
#       (the host's docker trusts plain HTTP on loopback only).
# Only one push runs at a time: push and push-start are refused while the writable instance runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MK_TESTENV_CACHE:-/var/cache/mk-testenv}
run=$cache/run
push_name=registry-push
push_address=127.0.0.1:${MK_TESTENV_PUSH_PORT:-5001}
say() { echo "testenv: $*" >&2; }

# the pid of instance $1 when it runs (a docker-registry serving this run directory's config), else nothing
running_pid() {
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "docker-registry serve $run/$1.yml" &&
    echo "$pid"
}

answers() { curl -fsS -m 2 -o /dev/null "http://$1/v2/" 2>/dev/null; }

stop() {
  local name=$1 pid
  if pid=$(running_pid "$name"); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    say "stopped the registry instance $name (pid $pid)"
  fi
  rm -f "$run/$name.pid"
}

config() {
  local address=$1 mode=$2
  cat <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $cache/registry
YAML
  if [ "$mode" = readonly ]; then
    # neither instance purges stale uploads: the read-only one never writes, and two purgers would race
    cat <<YAML
  maintenance:
    readonly:
      enabled: true
    uploadpurging:
      enabled: false
YAML
  else
    cat <<YAML
  maintenance:
    uploadpurging:
      enabled: false
YAML
  fi
  cat <<YAML
http:
  addr: $address
YAML
}

serve() {
  local name=$1 address=$2 mode=$3 pid
  case "$mode" in readonly | writable) ;; *) echo "mode must be readonly or writable, not $mode" >&2; exit 2 ;; esac
  mkdir -p "$run" "$cache/registry"
  config "$address" "$mode" >"$run/$name.yml.new"
  if pid=$(running_pid "$name") && cmp -s "$run/$name.yml.new" "$run/$name.yml" && answers "$address"; then
    rm -f "$run/$name.yml.new"
    say "reusing the $mode registry on $address (pid $pid)"
    return 0
  fi
  stop "$name"
  mv "$run/$name.yml.new" "$run/$name.yml"
  setsid nohup docker-registry serve "$run/$name.yml" >>"$run/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$run/$name.pid"
  for _ in $(seq 100); do
    answers "$address" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! answers "$address"; then
    tail -n 5 "$run/$name.log" >&2
    stop "$name"
    echo "the $mode registry did not start on $address (log $run/$name.log)" >&2
    exit 1
  fi
  say "started the $mode registry on $address (pid $pid, log $run/$name.log)"
}

push_start() {
  local pid
  if pid=$(running_pid $push_name); then
    echo "another push runs (writable registry pid $pid); wait for it, or end it: $here/registry.sh push-stop" >&2
    exit 1
  fi
  serve $push_name "$push_address" writable
  echo "$push_address"
}

push() {
  [ $# -gt 0 ] || { echo "usage: registry.sh push COMMAND [ARGS...]" >&2; exit 2; }
  local status=0
  push_start >/dev/null
  trap 'stop $push_name' EXIT
  MK_TESTENV_PUSH_REGISTRY=$push_address "$@" || status=$?
  return $status
}

command=${1:-}
shift || true
case "$command" in
  serve) [ $# = 3 ] || { echo "usage: registry.sh serve NAME HOST:PORT readonly|writable" >&2; exit 2; }; serve "$@" ;;
  stop) [ $# = 1 ] || { echo "usage: registry.sh stop NAME" >&2; exit 2; }; stop "$1" ;;
  push) push "$@" ;;
  push-start) push_start ;;
  push-stop) stop $push_name ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
