#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine for the collection: system packages and the project's virtualenv
# (.venv) from the pinned requirements. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql postgresql-client git openssl docker-registry skopeo docker-compose)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements/runtime.txt requirements/test.txt requirements/constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python requirements (pinned, see requirements/)"
  .venv/bin/pip install -q --disable-pip-version-check -c requirements/constraints.txt -r requirements/test.txt 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/pip check
  echo "$want" > "$stamp"
fi

# Packaging and docs tools (antsibull-docs, antsibull-changelog, ansible-builder) with a bare ansible-core, in
# a virtualenv of their own: their docutils/Sphinx pins cannot share the test venv's lock.
tools_stamp=.venv-tools/.requirements.sha256
tools_want=$(cat requirements/tools*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$tools_stamp" 2>/dev/null)" != "$tools_want" ]; then
  echo "bootstrap: installing packaging tools into .venv-tools (pinned, see requirements/tools.txt)"
  [ -x .venv-tools/bin/python ] || "$PYTHON" -m venv .venv-tools
  .venv-tools/bin/pip install -q --disable-pip-version-check -c requirements/tools-constraints.txt \
    -r requirements/tools.txt 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv-tools/bin/pip check
  echo "$tools_want" > "$tools_stamp"
fi

# Expose the repository as the installed collection maestro.platform for ansible-playbook and ansible-test.
mkdir -p build/collections/ansible_collections/maestro
ln -sfn "$PWD" build/collections/ansible_collections/maestro/platform
echo "bootstrap: ready (.venv, collection at build/collections)"
