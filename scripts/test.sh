#!/usr/bin/env bash
# The test command (README): sets up a fresh Debian 12 machine and runs every check of the collection.
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh pytest -k mlflow   # only pytest, with extra pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .venv/bin/activate
export ANSIBLE_COLLECTIONS_PATH=$ROOT/build/collections

stage() { printf '\n=== %s (%s) ===\n' "$1" "$(date -u +%H:%M:%S)"; }
only=${1:-all}
[ $# -gt 0 ] && shift

if [ "$only" = all ] || [ "$only" = build ]; then
  stage "build, install and document the collection"
  rm -rf build/dist build/installed && mkdir -p build/dist build/installed
  ansible-galaxy collection build --force --output-path build/dist . >/dev/null
  ansible-galaxy collection install --force -p build/installed build/dist/maestro-platform-*.tar.gz >/dev/null
  modules=$(ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$//')
  for m in $modules; do
    ANSIBLE_COLLECTIONS_PATH=$ROOT/build/installed ansible-doc "maestro.platform.$m" >/dev/null \
      || { echo "ansible-doc failed for $m"; exit 1; }
  done
  echo "built $(ls build/dist); ansible-doc renders $(echo "$modules" | wc -w) modules"
fi

if [ "$only" = all ] || [ "$only" = sanity ]; then
  stage "ansible-test sanity"
  # ansible-test bootstraps pip in its virtualenvs with a get-pip.py it downloads from a host we cannot
  # reach; give it the offline stand-in under the name it caches the download as.
  pip_ver=$(python -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; print(g(type("P", (), {"version": "3.11"})())["pip"])')
  mkdir -p ~/.ansible/test/cache && cp scripts/get_pip_offline.py ~/.ansible/test/cache/get_pip_${pip_ver//./_}.py
  # ansible-test needs the collection at .../ansible_collections/maestro/platform as a real directory.
  sanity_root=build/sanity/ansible_collections/maestro/platform
  rm -rf build/sanity && mkdir -p "$sanity_root"
  git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$sanity_root"/ 2>/dev/null || true
  (cd "$sanity_root" && git init -q && git add -A >/dev/null &&
   ansible-test sanity --venv --python 3.11 --color no --exclude molecule/ --exclude bench/ --exclude scripts/ \
     --exclude tests/integration/ --exclude tests/reliability/ --exclude tests/emulators/ --exclude tests/standins/ \
     --exclude tests/fixtures/)
  # The test harness outside tests/unit (emulators, stand-ins, integration drivers) is not shipped
  # behaviour; it is exercised by pytest below rather than linted here.
fi

if [ "$only" = all ] || [ "$only" = lint ]; then
  stage "ansible-lint (production profile)"
  ansible-lint --profile production
fi

if [ "$only" = all ] || [ "$only" = pytest ]; then
  stage "pytest (unit, emulators, real servers, molecule)"
  python -m pytest -p no:cacheprovider -ra "$@" tests
fi
stage "done"
