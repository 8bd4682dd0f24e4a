"""The collection as users get it: the tarball's contents, its dependencies, an execution environment,
the changelog and the docs.

Run with the tools virtualenv (.venv-tools, scripts/bootstrap.sh): ansible-core alone — no `ansible`
package, so no bundled collections — plus antsibull-changelog, antsibull-docs and ansible-builder.
Galaxy is not reachable from our machines, so the collections maestro.platform depends on are installed
from the copies the test venv's `ansible` package carries (`type: dir` sources, `--offline`).
"""

import ast
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, unavailable

TOOLS = ROOT / '.venv-tools' / 'bin'
BUNDLED = Path(sys.prefix) / 'lib' / ('python%d.%d' % sys.version_info[:2]) / 'site-packages' / 'ansible_collections'
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text())
# Collections that maestro.platform's dependencies depend on in turn.
TRANSITIVE = ['community.library_inventory_filtering_v1']
FQCN = re.compile(r'^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$')
NOT_MODULES = {'ansible.builtin.import_playbook', 'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks',
               'ansible.builtin.import_role', 'ansible.builtin.include_role', 'ansible.builtin.include_vars'}


def tool(name):
    path = TOOLS / name
    if not path.exists():
        unavailable('%s is missing: run scripts/bootstrap.sh (it makes .venv-tools)' % path)
    return str(path)


def run(cmd, env=None, cwd=None, check=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError('%s failed (%s):\n%s\n%s' % (' '.join(map(str, cmd)), proc.returncode,
                                                         proc.stdout[-4000:], proc.stderr[-4000:]))
    return proc


def bare_env(collections_path):
    """ansible-core with only the given collections path: no bundled collections, no user or system paths."""
    return {'PATH': '%s:/usr/bin:/bin' % TOOLS, 'HOME': str(collections_path),
            'ANSIBLE_COLLECTIONS_PATH': str(collections_path), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false'}


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    run([tool('ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(out), str(ROOT)])
    return next(out.glob('maestro-platform-*.tar.gz'))


def dependency_sources():
    names = list(GALAXY['dependencies']) + TRANSITIVE
    return [{'name': str(BUNDLED.joinpath(*name.split('.'))), 'type': 'dir'} for name in names]


def install(tarball, dest, with_dependencies=True):
    dest.mkdir(parents=True, exist_ok=True)
    reqs = dest / 'requirements.yml'
    sources = (dependency_sources() if with_dependencies else []) + [{'name': str(tarball), 'type': 'file'}]
    reqs.write_text(yaml.safe_dump({'collections': sources}))
    cmd = [tool('ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(dest), '-r', str(reqs)]
    if not with_dependencies:
        cmd.append('--no-deps')
    return run(cmd, env=bare_env(dest), check=with_dependencies)


@pytest.fixture(scope='module')
def installed(tarball, tmp_path_factory):
    dest = tmp_path_factory.mktemp('installed')
    install(tarball, dest)
    return dest


def test_tarball_ships_the_collection_and_not_the_development_material(tarball):
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    tops = {name.split('/')[0] for name in names}
    for shipped in ('plugins', 'roles', 'playbooks', 'meta', 'LICENSE', 'README.md', 'site.yml', 'MANIFEST.json',
                    'FILES.json', 'changelogs', 'docs'):
        assert shipped in tops, shipped
    for kept_out in ('tests', 'inventories', 'requirements', 'scripts', 'bench', 'molecule', 'build', '.venv',
                     '.venv-tools', '.ci', 'CONTRIBUTING.md'):
        assert kept_out not in tops, kept_out
    assert 'meta/execution-environment.yml' in names
    assert not [n for n in names if n.startswith('changelogs/fragments/')]
    assert (ROOT / 'LICENSE').read_text().startswith('\n                                 Apache License')


def used_fqcns(collection_dir):
    """Every module/action FQCN that a task of a role or playbook of the collection names."""
    found = set()

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and FQCN.match(key) and not key.startswith('maestro.platform.'):
                    found.add(key)
                if key in ('block', 'rescue', 'always', 'tasks', 'pre_tasks', 'post_tasks', 'handlers'):
                    walk(value)
    for path in list(collection_dir.glob('roles/*/tasks/*.yml')) + list(collection_dir.glob('roles/*/handlers/*.yml')) \
            + list(collection_dir.glob('playbooks/*.yml')):
        walk(yaml.safe_load(path.read_text()))
    return found - NOT_MODULES


def test_dependencies_are_declared_and_every_module_the_roles_call_resolves(tarball, installed, tmp_path):
    collection = installed / 'ansible_collections' / 'maestro' / 'platform'
    fqcns = sorted(used_fqcns(collection))
    used_collections = {name.rsplit('.', 1)[0] for name in fqcns} - {'ansible.builtin'}
    assert used_collections == set(GALAXY['dependencies']), 'galaxy.yml dependencies must be what the roles call'
    assert any(name.startswith('community.docker.') for name in fqcns)
    # Every module resolves in a bare ansible-core with what `ansible-galaxy collection install` brought.
    proc = run([tool('ansible-doc'), '--json', '-t', 'module'] + fqcns, env=bare_env(installed))
    assert set(json.loads(proc.stdout)) == set(fqcns)
    # The playbooks parse and their roles resolve.
    for playbook in ['site.yml'] + sorted('playbooks/%s' % p.name for p in (collection / 'playbooks').glob('*.yml')):
        run([tool('ansible-playbook'), '--syntax-check', '-i', 'localhost,', str(collection / playbook)],
            env=bare_env(installed))
    # Control: the same tarball without its dependencies cannot resolve them (what users saw before).
    alone = tmp_path / 'alone'
    install(tarball, alone, with_dependencies=False)
    proc = run([tool('ansible-doc'), '--json', '-t', 'module', 'community.docker.docker_network'],
               env=bare_env(alone), check=False)
    assert proc.returncode != 0 or json.loads(proc.stdout or '{}') == {}
    proc = run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(tmp_path / 'nodeps'),
                str(tarball)], env=bare_env(tmp_path / 'nodeps'), check=False)
    assert proc.returncode != 0 and 'community.docker' in proc.stdout + proc.stderr


def test_execution_environment_definition_is_accepted_by_ansible_builder(installed, tmp_path):
    introspect = run([tool('ansible-builder'), 'introspect', '--sanitize', str(installed)])
    data = yaml.safe_load(introspect.stdout)
    python = ' '.join(data['python'])
    for package in ('boto3', 'passlib', 'docker', 'kubernetes', 'cryptography', 'argon2-cffi'):
        assert re.search(r'(^|\s)%s\b.*maestro\.platform' % re.escape(package), python), package
    assert any('postgresql' in line and 'maestro.platform' in line for line in data['system'])
    context = tmp_path / 'context'
    run([tool('ansible-builder'), 'create', '-f', str(ROOT / 'docs' / 'execution-environment.yml'), '-c', str(context),
         '--output-filename', 'Containerfile'])
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-galaxy' in containerfile and 'helm' in containerfile
    assert yaml.safe_load((context / '_build' / 'requirements.yml').read_text())['collections'][0]['name'] \
        == 'maestro.platform'


def test_changelog_fragments_are_valid():
    run([tool('antsibull-changelog'), 'lint'], cwd=str(ROOT))


def test_docs_lint(installed):
    collection = installed / 'ansible_collections' / 'maestro' / 'platform'
    env = bare_env(installed)
    proc = run([tool('antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], env=env,
               cwd=str(collection), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Third-party imports of the shipped Python code -> the distribution that provides them, and the
# requirements the roles bring without an import of ours (filters and the modules of other collections
# that run on the controller).
IMPORTS = {'boto3': 'boto3', 'botocore': 'botocore', 'argon2': 'argon2-cffi', 'cryptography': 'cryptography'}
# Optional alternatives: a module that works with either (pycryptodome stands in for cryptography).
ALTERNATIVES = {'Crypto': 'cryptography'}
ROLE_NEEDS = {
    'passlib': "platform_k8s: password_hash('bcrypt') for the charts' htpasswd values",
    'docker': 'community.docker modules the container roles run on the controller',
    'requests': 'community.docker modules (the Docker SDK transport)',
    'kubernetes': 'kubernetes.core modules of platform_k8s apply mode',
}
PY2_SHIMS = {'urlparse', 'httplib'}


def third_party_imports():
    found = set()
    for path in list((ROOT / 'plugins').rglob('*.py')) + list((ROOT / 'roles').glob('*/files/*.py')):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split('.')[0]
                if top in sys.stdlib_module_names or top in ('ansible', 'ansible_collections', '__future__') \
                        or top in PY2_SHIMS:
                    continue
                found.add(top)
    return found


def test_runtime_requirements_are_exactly_what_the_controller_needs():
    runtime = {}
    for line in (ROOT / 'requirements' / 'runtime.txt').read_text().splitlines():
        line = line.split('#')[0].strip()
        if line:
            name, _, version = line.partition('==')
            runtime[name.lower()] = version
    imports = third_party_imports()
    unknown = imports - set(IMPORTS) - set(ALTERNATIVES)
    assert not unknown, 'third-party imports with no entry in IMPORTS: %s' % sorted(unknown)
    needed = {IMPORTS[name] for name in imports if name in IMPORTS} | set(ROLE_NEEDS)
    needed |= {'ansible', 'ansible-core'}
    # argon2-cffi's compiled half is pinned beside it so the lock cannot drift.
    allowed_extra = {'argon2-cffi-bindings'}
    assert needed - set(runtime) == set(), 'missing from requirements/runtime.txt'
    assert set(runtime) - needed - allowed_extra == set(), 'not needed by the controller'
    ee = {line.strip().lower() for line in (ROOT / 'meta' / 'ee-requirements.txt').read_text().splitlines()
          if line.strip() and not line.startswith('#')}
    assert ee == needed - {'ansible', 'ansible-core'}, 'meta/ee-requirements.txt must list the same packages'


# Sphinx warnings that only say the docs link to docs.ansible.com, which our machines cannot reach
# (intersphinx inventories); anything else fails the build.
OFFLINE_ONLY = re.compile(r"failed to reach any of the inventories|undefined label: '(common_return_values|"
                          r"action_plugins|ansible_configuration_settings|ansible_collections\.(ansible|amazon)\.)")


def test_docs_site_builds(installed, tmp_path):
    site = tmp_path / 'site'
    site.mkdir(mode=0o700)
    env = bare_env(installed)
    run([tool('antsibull-docs'), 'sphinx-init', '--use-current', '--dest-dir', str(site), 'maestro.platform'],
        env=env)
    rst = site / 'rst'
    rst.chmod(0o700)
    run([tool('antsibull-docs'), '--config-file', str(site / 'antsibull-docs.cfg'), 'collection', '--use-current',
         '--dest-dir', str(rst), 'maestro.platform'], env=env, cwd=str(site))
    proc = run([tool('sphinx-build'), '-M', 'html', str(rst), str(site / 'build'), '-c', str(site), '-q'], env=env)
    warnings = [line for line in proc.stderr.splitlines() if 'WARNING' in line and not OFFLINE_ONLY.search(line)]
    assert warnings == []
    html = site / 'build' / 'html' / 'collections' / 'maestro' / 'platform'
    pages = {p.name for p in html.glob('*.html')}
    modules = {p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py')}
    roles = {p.name for p in (ROOT / 'roles').iterdir() if (p / 'meta' / 'argument_specs.yml').exists()}
    assert {'%s_module.html' % m for m in modules} <= pages
    assert {'%s_role.html' % r for r in roles} <= pages
