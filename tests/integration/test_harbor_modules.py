"""harbor_* modules against the Harbor API emulator (tests/emulators/harbor.py), through real
ansible-playbook runs in both execution modes: in-process on the controller (the action plugins) and as
ordinary modules.

Harbor cannot run on our machines: the emulator validates every request it receives and every response it
sends against Harbor's own API description (v2.15.2) and records every write, so these tests assert the
exact writes a playbook made (check mode and steady-state runs must write nothing), and the fixture fails
the test if the emulator recorded any spec violation.
"""

import re

import pytest

from tests.emulators.fixtures import harbor_emulator, harbor_server  # noqa: F401  pylint: disable=unused-import
from tests.helpers import run_playbook

MODES = ['controller', 'module']


def harbor_vars(emulator, prefix, mode, **extra):
    values = {'harbor_url': emulator.base_url, 'harbor_user': emulator.admin_username,
              'harbor_password': emulator.admin_password, 'prefix': prefix, 'maestro_platform_execution': mode}
    values.update(extra)
    return values


def writes(emulator):
    """The write log as 'METHOD path' with ids and names replaced, for exact comparisons."""
    result = []
    for write in emulator.writes:
        path = re.sub(r'/\d+(?=/|$)', '/N', write.path)
        result.append('%s %s' % (write.method, path))
    return result


def run(playbook, emulator, prefix, mode, **kwargs):
    result = run_playbook(playbook, extra_vars=harbor_vars(emulator, prefix, mode), **kwargs)
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout or 'ignored=' in result.stdout, str(result)
    return result


@pytest.mark.parametrize('mode', MODES)
def test_project(harbor_emulator, prefix, mode):
    harbor_emulator.seed_repository('%s-full' % prefix, 'app/web')
    run('harbor_project.yml', harbor_emulator, prefix, mode)
    p = prefix
    assert writes(harbor_emulator) == [
        'POST /projects',
        'PUT /projects/%s-models' % p,
        'PUT /quotas/N',
        'DELETE /projects/%s-models' % p,
        'DELETE /projects/%s-full/repositories/app%%252Fweb' % p,
        'DELETE /projects/%s-full' % p,
    ]
