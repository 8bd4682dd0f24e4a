"""Phase tags of the roles (docs/roles.md): every task of a role's phased entry points carries `<role>` and the tag
of its phase, the preflight carries every phase tag of its entry point, and a dynamic include hands its phase tag
to the tasks it includes (`apply: {tags: ...}`: a tag on an include_tasks/include_role alone runs the include and
skips every task in it), so `--tags <role>_<phase>` runs that phase with its input checks. Every role under roles/
is declared here, with its phases or the reason it has none. (That a phase runs alone is proven against servers
and emulators in tests/integration: test_minio_role, test_harbor_role, test_nexus_role_ops, test_mlflow_auth.)"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SERVICE = ('install', 'configure', 'verify')
# role -> {tasks file -> the phases its tasks carry}
PHASED = {
    'container_host': {'main.yml': SERVICE},
    'harbor': {'main.yml': SERVICE},
    'minio': {'main.yml': SERVICE},
    'mlflow': {'main.yml': SERVICE},
    'monitoring': {'main.yml': SERVICE},
    'nexus': {'main.yml': SERVICE},
    'postgres': {'main.yml': SERVICE},
    # install: lxml for the Maven merge; configure: CA, Docker, pip, npm, Maven, DVC, MLflow settings.
    'platform_client': {'main.yml': ('install', 'configure')},
    # install: charts, Secrets, monitoring objects, buckets (or their render); configure: the service roles'
    # configure tasks against the public URLs, run with `tasks_from: configure` by playbooks/kubernetes.yml.
    'platform_k8s': {'main.yml': ('install',), 'configure.yml': ('configure',)},
}
# Roles without phases, and why (docs/roles.md says the same).
UNPHASED = {
    'platform_backup': 'two operations, not phases: back up (main) and restore (tasks_from: restore)',
}
# Tasks of main.yml that, besides the preflight, carry several phase tags: what a later phase needs done first.
SHARED = {
    'harbor': {'Wait for the API'},  # read-only
    'postgres': {'Wait until healthy'},  # read-only: its verify.yml
    'monitoring': {'Apply a pending configuration reload before verifying'},  # flush_handlers
}
INCLUDES = ('ansible.builtin.include_tasks', 'ansible.builtin.include_role', 'include_tasks', 'include_role')


def _tasks(tasks, inherited=()):
    """The tasks, those of blocks included, each with the tags it runs under (its own and its blocks')."""
    for task in tasks:
        tags = list(inherited) + list(task.get('tags') or [])
        if 'block' in task:
            for key in ('block', 'rescue', 'always'):
                yield from _tasks(task.get(key) or [], tags)
        else:
            yield dict(task, tags=tags)


def _load(role, name):
    return list(_tasks(yaml.safe_load((ROOT / 'roles' / role / 'tasks' / name).read_text())))


def _phased_files():
    return [(role, name, phases) for role, files in sorted(PHASED.items()) for name, phases in files.items()]


def test_every_role_is_declared():
    roles = {path.parent.parent.name for path in (ROOT / 'roles').glob('*/tasks/main.yml')}
    assert roles == set(PHASED) | set(UNPHASED), 'declare the phases of a new role here and in docs/roles.md'
    assert not set(PHASED) & set(UNPHASED)


@pytest.mark.parametrize('role,name,phases', _phased_files())
def test_every_task_carries_its_role_and_phase(role, name, phases):
    tasks = _load(role, name)
    phase_tags = {'%s_%s' % (role, phase) for phase in phases}
    all_tags = {'%s_%s' % (role, phase) for phase in SERVICE}
    for task in tasks:
        tags = set(task.get('tags') or [])
        assert role in tags and tags & phase_tags, '%s/%s: %s has no phase tag' % (role, name, task['name'])
        assert not tags & (all_tags - phase_tags), '%s/%s: %s carries a phase this file does not run' % (
            role, name, task['name'])
        include = next((task[key] for key in INCLUDES if key in task), None)
        if include is not None:
            applied = set(((include.get('apply') or {}) if isinstance(include, dict) else {}).get('tags') or [])
            assert tags & phase_tags <= applied, (
                '%s/%s: the include %s does not apply its phase tag to the tasks it includes' % (role, name, task['name']))
    for phase in phases:
        assert [task for task in tasks if '%s_%s' % (role, phase) in task['tags']
                and task.get('ansible.builtin.import_tasks') != 'preflight.yml'], '%s/%s: the %s phase runs nothing' % (
            role, name, phase)


@pytest.mark.parametrize('role', sorted(role for role, files in PHASED.items() if 'main.yml' in files))
def test_preflight_runs_with_every_phase_and_nothing_else_is_shared(role):
    phases = PHASED[role]['main.yml']
    phase_tags = {'%s_%s' % (role, phase) for phase in phases}
    tasks = _load(role, 'main.yml')
    preflight = [task for task in tasks if task.get('ansible.builtin.import_tasks') == 'preflight.yml']
    assert len(preflight) == 1 and phase_tags <= set(preflight[0]['tags'])
    shared = {task['name'] for task in tasks if len(set(task.get('tags') or []) & phase_tags) > 1} - {preflight[0]['name']}
    assert shared == SHARED.get(role, set()), (role, shared)


@pytest.mark.parametrize('role', sorted(role for role, files in PHASED.items() if files.get('main.yml') == SERVICE))
def test_service_roles_import_a_file_per_phase(role):
    tasks = _load(role, 'main.yml')
    for phase in SERVICE:
        assert any('%s.yml' % phase == task.get('ansible.builtin.import_tasks') and '%s_%s' % (role, phase)
                   in task['tags'] for task in tasks), '%s: %s.yml is not tagged %s_%s' % (role, phase, role, phase)


def test_platform_client_installs_only_packages():
    """Its install phase is the package it needs; everything that writes a client's settings is configure."""
    tasks = _load('platform_client', 'main.yml')
    install = [task for task in tasks if 'platform_client_configure' not in task['tags']]
    assert [next(key for key in task if key.startswith('ansible.builtin.')) for task in install] == [
        'ansible.builtin.package']
    configure = [task['ansible.builtin.include_tasks']['file'] for task in tasks
                 if 'ansible.builtin.include_tasks' in task]
    assert sorted(configure) == ['ca.yml', 'docker.yml', 'dvc.yml', 'maven.yml', 'mlflow.yml', 'npm.yml', 'pip.yml']
    assert all('platform_client_configure' in task['tags'] and 'platform_client_install' not in task['tags']
               for task in tasks if 'ansible.builtin.include_tasks' in task)


def test_unphased_roles_carry_no_phase_tag():
    for role in UNPHASED:
        for path in (ROOT / 'roles' / role / 'tasks').glob('*.yml'):
            for task in _load(role, path.name):
                tags = set(task.get('tags') or [])
                assert not {'%s_%s' % (role, phase) for phase in SERVICE} & tags, (role, path.name, task['name'])
