#!/usr/bin/env bash
# The main job (README): set up a fresh machine and converge the dev platform with
#   ansible-playbook site.yml -i inventories/dev
# Until the container roles land (issue 7), the services the playbook configures are started here as local
# processes on 127.0.0.1: a real MLflow tracking server (SQLite) with its artifacts on an S3 API (moto).
# Stop them with: bash scripts/dev-up.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
state=build/dev-platform
if [ "${1:-}" = stop ]; then
  for pidfile in "$state"/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; done
  exit 0
fi
bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .venv/bin/activate
mkdir -p "$state"
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-dev-platform} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-$(openssl rand -hex 16)}
export AWS_DEFAULT_REGION=us-east-1
unset AWS_CA_BUNDLE

up() { curl -sf -o /dev/null "$1"; }
if ! up http://127.0.0.1:5001/moto-api/; then
  setsid moto_server -H 127.0.0.1 -p 5001 >"$state/s3.log" 2>&1 & echo $! >"$state/s3.pid"
  for _ in $(seq 50); do up http://127.0.0.1:5001/moto-api/ && break; sleep 0.2; done
fi
python - <<'PY'
import boto3
s3 = boto3.client('s3', endpoint_url='http://127.0.0.1:5001')
if 'mlflow-artifacts' not in [b['Name'] for b in s3.list_buckets()['Buckets']]:
    s3.create_bucket(Bucket='mlflow-artifacts')
PY
if ! up http://127.0.0.1:5000/health; then
  MLFLOW_S3_ENDPOINT_URL=http://127.0.0.1:5001 setsid mlflow server --host 127.0.0.1 --port 5000 \
    --backend-store-uri "sqlite:///$PWD/$state/mlflow.db" --artifacts-destination s3://mlflow-artifacts \
    --workers 1 >"$state/mlflow.log" 2>&1 & echo $! >"$state/mlflow.pid"
  for _ in $(seq 240); do up http://127.0.0.1:5000/health && break; sleep 0.5; done
fi
export ANSIBLE_COLLECTIONS_PATH=$PWD/build/collections
ansible-playbook site.yml -i inventories/dev "$@"
