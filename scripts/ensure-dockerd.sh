#!/bin/sh
# Makes sure a Docker engine answers on the default socket: starts Debian's dockerd in the background when none
# runs (machines without systemd, such as CI containers). Logs to /var/log/mk-dockerd.log.
set -eu
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then exit 0; fi
command -v dockerd >/dev/null || { echo "dockerd not installed (run scripts/install-deps.sh)" >&2; exit 1; }
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl start docker
else
  setsid nohup dockerd >/var/log/mk-dockerd.log 2>&1 </dev/null &
fi
i=0
until docker version --format '{{.Server.Version}}' >/dev/null 2>&1; do
  i=$((i + 1))
  [ $i -lt 150 ] || { echo "dockerd did not come up; last log lines:" >&2; tail -20 /var/log/mk-dockerd.log >&2; exit 1; }
  sleep 0.2
done
echo "docker engine $(docker version --format '{{.Server.Version}}') ready"
