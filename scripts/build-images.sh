#!/usr/bin/env bash
# Build the Debian-based container images the Molecule scenarios use, on the engine DOCKER_HOST names
# (start it with: eval "$(bash scripts/docker-engine.sh)").
#
#   maestro-platform/debian:bookworm       debootstrap minbase + python3, imported with docker import
#   maestro-platform/client-host:bookworm  developer host: pip/venv, lxml, nodejs+npm, maven, skopeo,
#                                          sudo, and /opt/clients (venv: dvc, twine) on PATH
#   maestro-platform/systemd-host:bookworm bare server with systemd as PID 1 (container_host fresh-host scenario)
#
# Cached: an image is rebuilt only when it is missing or its recipe changed (each image carries a
# label with the sha256 of its recipe). Nothing is pulled from a registry: none is reachable here.
# apt inside the build uses the Debian mirror; pip inside the build needs this machine's CA bundle,
# which is copied in and named by PIP_CERT.
set -euo pipefail

: "${DOCKER_HOST:?export DOCKER_HOST first: eval \"\$(bash scripts/docker-engine.sh)\"}"
export DOCKER_BUILDKIT=0

SUITE="${MAESTRO_DEBIAN_SUITE:-bookworm}"
MIRROR="${MAESTRO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${MAESTRO_IMAGE_CACHE:-/var/cache/maestro-images}"
BASE_IMAGE="maestro-platform/debian:$SUITE"
HOST_IMAGE="maestro-platform/client-host:$SUITE"
HOST_CA_BUNDLE="${MAESTRO_HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

log() { echo "build-images: $*" >&2; }

recipe_label() { docker image inspect --format '{{ index .Config.Labels "maestro.recipe" }}' "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------------------
BASE_RECIPE="debootstrap --variant=minbase --include=python3,ca-certificates $SUITE $MIRROR v1"
BASE_SUM=$(printf '%s' "$BASE_RECIPE" | sha256sum | cut -c1-16)

if [[ "$(recipe_label "$BASE_IMAGE")" == "$BASE_SUM" ]]; then
  log "$BASE_IMAGE is up to date"
else
  command -v debootstrap >/dev/null 2>&1 || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap >&2
  }
  start=$SECONDS
  rootfs=$(mktemp -d /var/tmp/maestro-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$CACHE/debootstrap"
  log "debootstrap $SUITE into $rootfs"
  debootstrap --variant=minbase --include=python3,ca-certificates --cache-dir="$CACHE/debootstrap" \
    "$SUITE" "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
      tail -n 30 "$CACHE/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL maestro.recipe=$BASE_SUM" \
    --change 'CMD ["/bin/bash"]' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "$BASE_IMAGE built in $((SECONDS - start)) s"
fi

# ---------------------------------------------------------------------------------------------------
read -r -d '' HOST_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq \\
 && apt-get install -y -qq --no-install-recommends \\
      python3-pip python3-venv python3-lxml sudo procps \\
      nodejs npm maven skopeo \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY build-ca.crt /tmp/build-ca.crt
# dvc and twine in their own venv (Debian's python is externally managed); PIP_CERT only for the build.
RUN PIP_CERT=/tmp/build-ca.crt python3 -m venv /opt/clients \\
 && PIP_CERT=/tmp/build-ca.crt /opt/clients/bin/pip install -q --no-cache-dir 'dvc==3.67.1' 'twine==6.2.0' \\
 && ln -s /opt/clients/bin/dvc /usr/local/bin/dvc \\
 && ln -s /opt/clients/bin/twine /usr/local/bin/twine \\
 && rm /tmp/build-ca.crt
CMD ["sleep", "infinity"]
EOF
HOST_SUM=$( (printf '%s' "$HOST_DOCKERFILE"; printf '%s' "$BASE_SUM") | sha256sum | cut -c1-16)

if [[ "$(recipe_label "$HOST_IMAGE")" == "$HOST_SUM" ]]; then
  log "$HOST_IMAGE is up to date"
else
  start=$SECONDS
  ctx=$(mktemp -d /var/tmp/maestro-ctx.XXXXXX)
  trap 'rm -rf "$ctx"' EXIT
  printf '%s\nLABEL maestro.recipe=%s\n' "$HOST_DOCKERFILE" "$HOST_SUM" >"$ctx/Dockerfile"
  cp "$HOST_CA_BUNDLE" "$ctx/build-ca.crt"
  log "docker build $HOST_IMAGE"
  docker build -q -t "$HOST_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
  trap - EXIT
  log "$HOST_IMAGE built in $((SECONDS - start)) s"
fi

# ---------------------------------------------------------------------------------------------------
# A bare Debian host with systemd (PID 1) for the container_host fresh-host scenario (molecule/container_host):
# nothing of Docker on it; sudo, iproute2 and procps as on a minimal server.
SYSTEMD_IMAGE="maestro-platform/systemd-host:$SUITE"
read -r -d '' SYSTEMD_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq \\
 && apt-get install -y -qq --no-install-recommends systemd systemd-sysv sudo iproute2 procps \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \\
 && systemctl mask getty.target systemd-logind.service console-getty.service
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
EOF
SYSTEMD_SUM=$( (printf '%s' "$SYSTEMD_DOCKERFILE"; printf '%s' "$BASE_SUM") | sha256sum | cut -c1-16)

if [[ "$(recipe_label "$SYSTEMD_IMAGE")" == "$SYSTEMD_SUM" ]]; then
  log "$SYSTEMD_IMAGE is up to date"
else
  start=$SECONDS
  ctx=$(mktemp -d /var/tmp/maestro-ctx.XXXXXX)
  printf '%s\nLABEL maestro.recipe=%s\n' "$SYSTEMD_DOCKERFILE" "$SYSTEMD_SUM" >"$ctx/Dockerfile"
  log "docker build $SYSTEMD_IMAGE"
  docker build --network host -q -t "$SYSTEMD_IMAGE" "$ctx" >&2 || { rm -rf "$ctx"; exit 1; }
  rm -rf "$ctx"
  log "$SYSTEMD_IMAGE built in $((SECONDS - start)) s"
fi

docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^maestro-platform/' >&2
