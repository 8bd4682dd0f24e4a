"""Phase tags of the service roles (docs/roles.md): every task of roles/<role>/tasks/main.yml carries `<role>` and
the tag of its phase, and the preflight carries every phase tag, so `--tags <role>_<phase>` runs that phase with
its input checks. (That a phase runs alone is proven against a server in
tests/integration/test_minio_role.py::test_configure_phase_alone.)"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
ROLES = ['container_host', 'harbor', 'minio', 'mlflow', 'monitoring', 'nexus', 'postgres']
PHASES = ('install', 'configure', 'verify')


def _tasks(tasks):
    for task in tasks:
        yield from _tasks(task['block']) if 'block' in task else [task]


@pytest.mark.parametrize('role', ROLES)
def test_every_task_of_main_carries_its_role_and_phase(role):
    tasks = list(_tasks(yaml.safe_load((ROOT / 'roles' / role / 'tasks' / 'main.yml').read_text())))
    phase_tags = {'%s_%s' % (role, phase) for phase in PHASES}
    for task in tasks:
        tags = set(task.get('tags') or [])
        assert role in tags and tags & phase_tags, '%s: %s has no phase tag' % (role, task['name'])
    preflight = next(task for task in tasks if task.get('ansible.builtin.import_tasks') == 'preflight.yml')
    assert phase_tags <= set(preflight['tags'])
    for phase in PHASES:
        assert any('%s.yml' % phase == task.get('ansible.builtin.import_tasks') and '%s_%s' % (role, phase)
                   in task['tags'] for task in tasks), '%s: %s.yml is not tagged %s_%s' % (role, phase, role, phase)
