#!/usr/bin/env bash
# The test command (README): sets up a fresh Debian 12 machine and runs every check of the collection.
#   bash scripts/test.sh                      # everything
#   bash scripts/test.sh pytest -k mlflow     # one stage (build | sanity | units | lint | targets | pytest), pytest args after
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .venv/bin/activate
export ANSIBLE_COLLECTIONS_PATH=$ROOT/build/collections

only=${1:-all}
[ $# -gt 0 ] && shift
want() { [ "$only" = all ] || [ "$only" = "$1" ]; }
stage() { printf '\n=== %s (%s) ===\n' "$1" "$(date -u +%H:%M:%S)"; }
# Every stage runs even when an earlier one failed, so one run shows every problem.
failed=()
run_stage() { local name=$1; shift; stage "$name"; if ! "$@"; then failed+=("$name"); echo "*** $name FAILED"; fi; }

build_and_doc() {
  rm -rf build/dist build/installed && mkdir -p build/dist build/installed
  ansible-galaxy collection build --force --output-path build/dist . >/dev/null
  ansible-galaxy collection install --force -p build/installed build/dist/maestro-platform-*.tar.gz >/dev/null 2>&1
  local modules m
  modules=$(ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$//')
  for m in $modules; do
    ANSIBLE_COLLECTIONS_PATH=$ROOT/build/installed ansible-doc "maestro.platform.$m" >/dev/null \
      || { echo "ansible-doc failed for $m"; return 1; }
  done
  echo "built $(ls build/dist); ansible-doc renders $(echo "$modules" | wc -w) modules"
}

# ansible-test (sanity, units, integration targets) needs the collection at .../ansible_collections/maestro/platform
# as a real directory: one copy of this checkout's files (scripts/collection-copy.sh), made once per run and
# shared by the sanity and units stages.
# shellcheck source=scripts/collection-copy.sh
source scripts/collection-copy.sh
ANSIBLE_TEST_COPY=build/sanity/ansible_collections/maestro/platform
ansible_test_copy() {
  [ -n "${ansible_test_copied:-}" ] && return 0
  # ansible-test bootstraps pip in its virtualenvs with a get-pip.py it downloads from a host we cannot
  # reach; give it the offline stand-in under the name it caches the download as.
  local pip_ver
  pip_ver=$(python -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; print(g(type("P", (), {"version": "3.11"})())["pip"])')
  mkdir -p ~/.ansible/test/cache && cp scripts/get_pip_offline.py ~/.ansible/test/cache/get_pip_${pip_ver//./_}.py
  collection_copy >/dev/null
  ansible_test_copied=1
}

sanity() {
  ansible_test_copy
  # The test harness outside tests/unit (emulators, stand-ins, integration drivers, the harness's own tests) is
  # not shipped behaviour; pytest exercises it below rather than sanity.
  (cd "$ANSIBLE_TEST_COPY" &&
   ansible-test sanity --venv --python 3.11 --color no --exclude molecule/ --exclude bench/ --exclude scripts/ \
     --exclude tests/integration/ --exclude tests/reliability/ --exclude tests/emulators/ --exclude tests/standins/ \
     --exclude tests/fixtures/ --exclude tests/harness/)
}

units() {
  # The plugins' unit tests (tests/unit: no server, imports of the collection, ansible and pytest only) in
  # ansible-test's own virtualenv with tests/unit/requirements.txt, pinned by tests/unit/constraints.txt.
  ansible_test_copy
  (cd "$ANSIBLE_TEST_COPY" && ansible-test units --venv --python 3.11 --color no)
}

containers() {
  # A real Docker engine (Debian's docker.io, started here) and the Debian-based host image that the
  # Molecule scenarios and the dev platform run on. MAESTRO_REQUIRE_MOLECULE=1 turns the tests' skips for a
  # missing prerequisite (Docker engine, node/npm, the dev scenario's served metric names) into failures.
  bash scripts/build-images.sh && bash scripts/build-platform-images.sh
}
# On a fresh machine the images take ~10 min to build, mostly waiting on the Debian mirror and PyPI: build
# them in the background while the build, sanity and lint stages use the CPU, and wait for them before pytest.
images_pid=
if want pytest; then
  stage "docker engine; test images built in the background"
  if eval "$(bash scripts/docker-engine.sh)"; then
    export DOCKER_HOST MAESTRO_REQUIRE_MOLECULE=1
    images_log=$(mktemp /tmp/maestro-images.XXXXXX.log)
    containers >"$images_log" 2>&1 &
    images_pid=$!
  else
    failed+=("docker engine")
  fi
fi
want build && run_stage "build, install and ansible-doc" build_and_doc
want sanity && run_stage "ansible-test sanity" sanity
want units && run_stage "ansible-test units" units
# Molecule's prerun installs the collection into ~/.ansible/collections; ansible-lint puts that path first,
# so a copy left by an earlier run would shadow this checkout.
rm -rf ~/.ansible/collections/ansible_collections/maestro/platform
want lint && run_stage "ansible-lint (production profile)" ansible-lint --profile production
radon_complexity() {
  # radon counts boolean operators and comprehensions, which ruff's mccabe does not (the measure issue 19 was
  # written with). It exits 0 whatever it finds, so its report is read: a function or method (closures
  # included; a class's score is not a function's) above 15, or a file radon cannot parse, fails the gate.
  local report
  report=$(radon cc --show-complexity --show-closures "$@") || return 1
  # A report in which no function is found (an empty tree, a changed output format) fails too.
  printf '%s\n' "$report" | awk '
    /^[^ ]/ { file = $0 }
    $1 == "ERROR:" { print file ": radon cannot parse it: " $0; bad = 1 }
    $1 == "F" || $1 == "M" {
      functions++; score = $NF; gsub(/[()]/, "", score)
      if (score !~ /^[0-9]+$/) { print file ": no score in " $0; bad = 1 }
      else if (score + 0 > 15) { print file ": " $0 " is above 15: split it into named steps"; bad = 1 }
    }
    END {
      if (!functions) { print "radon found no function to measure"; bad = 1 }
      else if (!bad) print "radon: " functions " functions and methods, none above cyclomatic complexity 15"
      exit bad
    }'
}
code_gates() {
  # Issue 19's gates: no function in plugins/ above cyclomatic complexity 15, by ruff's mccabe (ruff.toml) and
  # by radon; no repeated code in the plugins' Python (pylint's similarity check; the modules' documentation
  # strings are not code); the modules' argument specs are the ones their DOCUMENTATION generates
  # (tests/module_options.py).
  ruff check --no-cache plugins/ &&
  radon_complexity plugins &&
  python -m tests.module_options &&
  pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 --ignore-imports=y \
    --ignore-docstrings=y --ignore-comments=y --score=n plugins/module_utils plugins/plugin_utils plugins/action &&
  echo "code gates: complexity <= 15 everywhere in plugins/ (ruff and radon), no repeated code, argument specs generated from the docs"
}
want lint && run_stage "code gates (complexity, repeated code)" code_gates
# The module integration targets (tests/integration/targets) through ansible-test, on the sanity stage's copy.
want targets && run_stage "integration targets (ansible-test integration)" bash scripts/integration-targets.sh
images_ready() { local rc=0; wait "$images_pid" || rc=$?; cat "$images_log"; rm -f "$images_log"; return $rc; }
if want pytest; then
  [ -n "$images_pid" ] && run_stage "test images (built in the background)" images_ready
  # --durations: the slowest tests in every log, to keep the whole run under its time budget.
  # tests/unit ran in the units stage (ansible-test units); pytest runs the rest.
  run_stage "pytest (harness, emulators, real servers, molecule)" \
    python -m pytest -p no:cacheprovider -ra --durations=25 --ignore=tests/unit "$@" tests
fi

stage "done"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED stages: %s\n' "${failed[*]}"
  exit 1
fi
echo "all stages passed"
