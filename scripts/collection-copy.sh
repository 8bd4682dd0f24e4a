# shellcheck shell=bash
# Sourced by scripts/test.sh (sanity) and scripts/integration-targets.sh: ansible-test needs the collection
# at .../ansible_collections/maestro/platform as a real directory (a symlink is refused), inside a git
# repository (it lists the files with git). collection_copy copies the checkout's files (tracked and new,
# not ignored ones) to build/sanity/ansible_collections/maestro/platform and prints that path.
collection_copy() {
  local root=build/sanity/ansible_collections/maestro/platform
  rm -rf build/sanity && mkdir -p "$root"
  git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$root"/ 2>/dev/null || true
  (cd "$root" && git init -q && git add -A >/dev/null)
  echo "$root"
}
