#!/usr/bin/env bash
# Start (or reuse) the project's own Docker engine for the Molecule tests.
#
# - installs Debian's docker.io when dockerd is missing (without letting its init script start a
#   system-wide daemon),
# - starts dockerd with its own data-root, exec-root, pidfile and socket under $MAESTRO_DOCKER_DIR
#   (default /var/lib/maestro-docker), so it never touches /var/lib/docker or /var/run/docker.sock,
# - waits until the engine answers, then prints the line to eval:  export DOCKER_HOST=unix:///...
#
# Idempotent: when the engine on that socket already answers, it is reused.
# Usage:  eval "$(bash scripts/docker-engine.sh)"      (diagnostics go to stderr)
#         bash scripts/docker-engine.sh stop            (stops the engine this script started)
set -euo pipefail

DIR="${MAESTRO_DOCKER_DIR:-/var/lib/maestro-docker}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
HOST="unix://$SOCK"

log() { echo "docker-engine: $*" >&2; }

engine_up() {
  # The newest docker CLI on PATH negotiates the API version down to Debian's 20.10 engine.
  DOCKER_HOST="$HOST" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

mkdir -p "$DIR"

stop_engine() {
  if [[ -s "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.5; done
  fi
}

if [[ "${1:-}" == "stop" ]]; then
  stop_engine
  log "stopped"
  exit 0
fi

if engine_up; then
  # A dockerd started elsewhere with --bridge none deletes the host's docker0, which leaves this
  # engine's default bridge network unusable until the engine restarts.
  bridge=$(DOCKER_HOST="$HOST" docker network inspect bridge \
             --format '{{ index .Options "com.docker.network.bridge.name" }}' 2>/dev/null || true)
  if [[ -n "$bridge" ]] && ! ip link show "$bridge" >/dev/null 2>&1; then
    running=$(DOCKER_HOST="$HOST" docker ps -q | wc -l)
    if [[ "$running" -eq 0 ]]; then
      log "the default bridge $bridge is gone: restarting the engine (no container is running)"
      stop_engine
    else
      log "WARNING: the default bridge $bridge is gone; $running container(s) run, so the engine is left"
      log "as is. Restart it when they are done: bash scripts/docker-engine.sh stop; then run this again."
      echo "export DOCKER_HOST=$HOST"
      exit 0
    fi
  else
    log "reusing the engine already answering on $SOCK"
    echo "export DOCKER_HOST=$HOST"
    exit 0
  fi
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing Debian's docker.io"
  created_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # Stop the package's init script from starting a system-wide daemon on /var/run/docker.sock.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io >&2
  [[ -n "$created_policy" ]] && rm -f /usr/sbin/policy-rc.d
fi

# A stale pidfile from a killed engine would make dockerd refuse to start.
if [[ -s "$PIDFILE" ]] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  rm -f "$PIDFILE"
fi
rm -f "$SOCK"

log "starting dockerd (data-root $DIR/data, log $LOG)"
# The engine's own containerd lives under its exec-root, so it cannot clash with another engine.
# dockerd outlives this script: it must not keep a descriptor it inherited (a caller's `flock` lock file would
# stay locked for as long as the engine runs).
(
  for fd in $(ls /proc/$BASHPID/fd); do
    [[ $fd -gt 2 ]] && eval "exec $fd>&-" 2>/dev/null
  done
  exec setsid dockerd \
    --data-root "$DIR/data" \
    --exec-root "$DIR/exec" \
    --pidfile "$PIDFILE" \
    -H "$HOST" \
    >"$LOG" 2>&1 </dev/null
) &

for _ in $(seq 1 120); do
  if engine_up; then
    log "ready: $(DOCKER_HOST="$HOST" docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
    echo "export DOCKER_HOST=$HOST"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 60 s; last lines of $LOG:"
tail -n 30 "$LOG" >&2 || true
exit 1
