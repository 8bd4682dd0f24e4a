"""Purge (issue 21): the harbor, nexus and mlflow roles remove what the inventory does not declare.

Harbor and Nexus against their spec-validated emulators (they cannot run here), MLflow against the real server.
Seeded in-process with the modules' own logic, then three runs of the same purge playbook: check mode (ordinary modules), apply (in-process),
apply again (ordinary modules). Each purge run first proves that every family's empty-list guard refuses.
Asserted: check mode names exactly what would go and writes nothing; the apply removes exactly that (write log /
server state); protected objects survive; the second apply changes and writes nothing.
"""

import json
import re
import secrets
import urllib.request

from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project as HPR
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_member as HM
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_account as HR
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_experiment as ME
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository as N
from tests.helpers import run_playbook
from tests.reliability.faults import execute

PULL = [{'access': [{'resource': 'repository', 'action': 'pull'}]}]


def _experiments(mlflow_server, view='ALL'):
    req = urllib.request.Request(mlflow_server.url + '/api/2.0/mlflow/experiments/search',
                                 data=json.dumps({'max_results': 1000, 'view_type': view}).encode(),
                                 headers={'Content-Type': 'application/json'}, method='POST')
    with urllib.request.urlopen(req, timeout=30) as resp:
        found = json.loads(resp.read()).get('experiments', [])
    return dict((e['name'], e['lifecycle_stage']) for e in found)


def _plan_lines(stdout):
    """The purge plans the roles printed ("<family> purge <kind>: a, b"), as {'<family> <kind>': [names]}."""
    plans = {}
    for family, kind, names in re.findall(r'"(harbor|nexus|mlflow) purge (\w+)[^:"]*: ([^"]*)"', stdout):
        plans['%s %s' % (family, kind)] = sorted(n for n in names.split(', ') if n)
    return plans


def _writes(emulator, since):
    return ['%s %s' % (w.method, re.sub(r'/\d+(?=/|$)', '/N', w.path)) for w in emulator.writes[since:]]


def _seed(harbor, nexus, mlflow, p, robot_secret):
    """The declared objects (as the play declares them) and the undeclared ones, plus two of Nexus's defaults."""
    for name in ('keep', 'old'):
        execute(HPR.Project, dict(harbor, name='%s-%s' % (p, name)))
    for user in ('alice', 'bob'):
        execute(HM.ProjectMember, dict(harbor, project=p + '-keep', user='%s-%s' % (p, user), role='developer'))
    for name in ('ci', 'stale'):
        execute(HR.RobotAccount, dict(harbor, name=name, project=p + '-keep', permissions=PULL, secret=robot_secret))
    execute(HR.RobotAccount, dict(harbor, name=p + '-sys', level='system', secret=robot_secret,
                                  permissions=[dict(PULL[0], namespace='*')]))
    for name, fmt, kind, extra in (
            (p + '-pypi', 'pypi', 'hosted', {'write_policy': 'allow_once'}),
            (p + '-npm', 'npm', 'proxy', {'remote_url': 'https://registry.npmjs.org'}),
            (p + '-raw', 'raw', 'hosted', {'write_policy': 'allow_once'}),
            (p + '-rawgroup', 'raw', 'group', {'members': [p + '-raw']}),
            ('maven-releases', 'maven', 'hosted', {'write_policy': 'allow_once'}),
            ('maven-public', 'maven', 'group', {'members': ['maven-releases']})):
        execute(N.Repository, dict(nexus, name=name, format=fmt, type=kind, blob_store='default', **extra))
    for name in ('keep', 'old1', 'old2'):
        execute(ME.Experiment, dict(mlflow, name='%s-%s' % (p, name)))


def test_purge_three_families(harbor_emulator, nexus_emulator, mlflow_server, prefix):
    p = prefix
    harbor_emulator.add_user('%s-alice' % p, 'Aa1' + secrets.token_hex(8))
    harbor_emulator.add_user('%s-bob' % p, 'Aa1' + secrets.token_hex(8))
    harbor_emulator.seed_repository('%s-full' % p, 'app/web')  # an undeclared project holding images: kept
    nexus_password = 'Nx1-' + secrets.token_hex(8)
    nexus_emulator.set_admin_password(nexus_password)
    nexus_emulator.eula_accepted = True
    existing = sorted(n for n, stage in _experiments(mlflow_server, 'ACTIVE_ONLY').items())
    extra = {'prefix': p, 'harbor_url': harbor_emulator.base_url, 'harbor_password': harbor_emulator.admin_password,
             'nexus_url': nexus_emulator.base_url, 'nexus_password': nexus_password,
             'tracking_uri': mlflow_server.url, 'robot_secret': 'Rb0t' + secrets.token_hex(6),
             'mlflow_existing': existing}

    _seed({'url': harbor_emulator.base_url, 'username': 'admin', 'password': harbor_emulator.admin_password},
          {'url': nexus_emulator.base_url, 'username': 'admin', 'password': nexus_password},
          {'tracking_uri': mlflow_server.url}, p, extra['robot_secret'])
    harbor_mark, nexus_mark = len(harbor_emulator.writes), len(nexus_emulator.writes)
    experiments_before = _experiments(mlflow_server)

    expected = {
        'harbor projects': ['%s-old' % p],
        'harbor members': ['%s-keep/user/%s-bob' % (p, p)],
        'harbor robots': ['%s-keep/stale' % p],
        'harbor kept': [],
        'nexus repositories': sorted(['%s-rawgroup' % p, '%s-npm' % p, '%s-raw' % p]),
        'nexus kept': [],
        'mlflow experiments': ['%s-old1' % p, '%s-old2' % p],
    }

    # Check mode: the exact names, nothing written anywhere.
    check = run_playbook('purge_roles.yml', check=True,
                         extra_vars=dict(extra, maestro_platform_execution='module'))
    assert check.ok, str(check)
    plans = _plan_lines(check.stdout)
    assert plans.pop('harbor kept') == ['%s-full' % p]  # "kept (projects still holding repositories)"
    assert plans == dict((k, v) for k, v in expected.items() if k != 'harbor kept'), check.stdout[-6000:]
    assert _writes(harbor_emulator, harbor_mark) == []
    assert nexus_emulator.writes[nexus_mark:] == []
    assert _experiments(mlflow_server) == experiments_before

    # Apply: exactly the undeclared objects go (groups before their members), protected ones stay.
    applied = run_playbook('purge_roles.yml', extra_vars=dict(extra, maestro_platform_execution='controller'))
    assert applied.ok, str(applied)
    assert _writes(harbor_emulator, harbor_mark) == [
        'DELETE /projects/%s-keep/members/N' % p,
        'DELETE /robots/N',
        'DELETE /projects/%s-old' % p,
    ]
    deletes = [w.path for w in nexus_emulator.writes[nexus_mark:]]
    assert deletes[0].endswith('/%s-rawgroup' % p) and sorted(deletes[1:]) == sorted(
        ['/v1/repositories/%s-npm' % p, '/v1/repositories/%s-raw' % p])
    assert [w.method for w in nexus_emulator.writes[nexus_mark:]] == ['DELETE'] * 3
    assert harbor_emulator.project('library') and harbor_emulator.project('%s-full' % p)
    assert harbor_emulator.robot('robot$%s-sys' % p) and harbor_emulator.robot('robot$%s-keep+ci' % p)
    assert not harbor_emulator.robot('robot$%s-keep+stale' % p)
    assert nexus_emulator.repos.keys() >= {'maven-releases', 'maven-public', '%s-pypi' % p}
    after = _experiments(mlflow_server)
    assert after['%s-old1' % p] == after['%s-old2' % p] == 'deleted'  # MLflow's soft delete
    assert after['Default'] == after['%s-keep' % p] == 'active'
    assert dict((n, s) for n, s in after.items() if not n.startswith(p + '-old')) == dict(
        (n, s) for n, s in experiments_before.items() if not n.startswith(p + '-old'))

    # Apply again: nothing left to remove, nothing written.
    harbor_mark, nexus_mark = len(harbor_emulator.writes), len(nexus_emulator.writes)
    again = run_playbook('purge_roles.yml', extra_vars=dict(extra, maestro_platform_execution='module'))
    assert again.ok, str(again)
    assert re.search(r'localhost\s*:.*changed=0\b', again.stdout), again.stdout[-3000:]
    assert _writes(harbor_emulator, harbor_mark) == [] and nexus_emulator.writes[nexus_mark:] == []
    assert _experiments(mlflow_server) == after
    plans = _plan_lines(again.stdout)
    assert plans['harbor kept'] == ['%s-full' % p]
    assert all(names == [] for key, names in plans.items() if key != 'harbor kept'), plans
