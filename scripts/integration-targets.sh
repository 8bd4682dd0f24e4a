#!/usr/bin/env bash
# The module integration targets (tests/integration/targets/<module>) through `ansible-test integration`.
#   bash scripts/integration-targets.sh                      # every target
#   bash scripts/integration-targets.sh harbor_project -v    # one target (ansible-test arguments after)
# Runs on the copy of the collection the sanity stage uses (build/sanity/ansible_collections/maestro/platform,
# scripts/collection-copy.sh), with --local: the targets talk HTTP to servers on 127.0.0.1 and need the
# project's virtualenv as it is (mlflow, dvc, boto3 and the emulators' openapi-core); --venv would build a
# fresh virtualenv from PyPI for every run, --docker needs images we cannot pull.
# The setup_services target starts the servers in the background; they are stopped here at the end (and stop
# by themselves after 10 idle minutes if this script is killed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/collection-copy.sh
source scripts/collection-copy.sh
# shellcheck disable=SC1091
[ -n "${VIRTUAL_ENV:-}" ] || source .venv/bin/activate

copy=$ROOT/$(collection_copy)
state=$(mktemp -d /tmp/maestro-targets.XXXXXX)
specs=${MAESTRO_SPECS_DIR:-$(cd "$ROOT" && python -c 'from tests.specs import SPECS_DIR; print(SPECS_DIR)')}
# ansible-test's documented way to give targets their settings: the play's vars file
# tests/integration/integration_config.yml (written into the copy only: the paths are this run's).
cat >"$copy/tests/integration/integration_config.yml" <<YAML
maestro_targets_root: $copy
maestro_targets_state: $state
maestro_specs_dir: $specs
YAML
stop_servers() { (cd "$copy" && python -m tests.integration.target_services stop --state-dir "$state"); rm -rf "$state"; }
trap stop_servers EXIT
cd "$copy"
started=$(date +%s)
ansible-test integration --local --color no "$@"
echo "integration targets: $(( $(date +%s) - started )) s"
