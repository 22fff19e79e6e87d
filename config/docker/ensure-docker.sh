#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine; idempotent.
#
# No registry is reachable and CI starts on a machine where nothing runs, so this
# installs Debian's engine if it is missing and starts it if it is not running.
# A running engine is left alone. The engine is started without a bridge and
# without iptables rules: containers use the host network, and Docker's iptables
# rules would switch on connection tracking, whose table fills up under
# connection churn and then silently drops new connections
# (see /work/shared/ENVIRONMENT.md).
set -euo pipefail

readonly LOG=${RINGSIDE_DOCKERD_LOG:-/tmp/ringside-dockerd.log}
readonly WAIT_SECONDS=${RINGSIDE_DOCKERD_WAIT_SECONDS:-60}
readonly PID_FILE=/var/run/docker.pid

say() { echo "ensure-docker: $*"; }
die() { echo "ensure-docker: ERROR: $*" >&2; exit 1; }

# 1. Install: Debian's docker.io brings dockerd, containerd and a client.
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || die "dockerd/docker missing and not root: run 'apt-get install -y docker.io' as root"
  say "installing docker.io with apt-get"
  apt-get update -q -o DPkg::Lock::Timeout=300
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -q -o DPkg::Lock::Timeout=300 docker.io
fi

# 2. Already running? Leave it alone.
if docker info >/dev/null 2>&1; then
  say "engine already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

# 3. Start it, unless a dockerd is already alive and just not answering yet
#    (a second dockerd would fail on the pid file anyway).
if [[ -f $PID_FILE ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  say "dockerd (pid $(cat "$PID_FILE")) is starting; waiting for it"
else
  [[ $(id -u) -eq 0 ]] || die "no engine running and not root: cannot start dockerd"
  say "starting dockerd (no bridge, no iptables), log: $LOG"
  # setsid + nohup: detach from this script's session so the engine outlives it.
  # (A script's background job is no process-group leader, so setsid execs in
  # place and $! is dockerd itself.)
  setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false \
    >"$LOG" 2>&1 </dev/null &
  started=$!
fi

# 4. Wait, bounded, until the engine answers.
for ((i = 0; i < WAIT_SECONDS; i++)); do
  if docker info >/dev/null 2>&1; then
    say "engine up after ${i}s ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  # Stop waiting early if the dockerd we started has already died.
  if [[ -n ${started:-} ]] && ! kill -0 "$started" 2>/dev/null; then
    echo "ensure-docker: ERROR: dockerd exited during startup; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 1
done

echo "ensure-docker: ERROR: docker engine did not answer within ${WAIT_SECONDS}s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 1
