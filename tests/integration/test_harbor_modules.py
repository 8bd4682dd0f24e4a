"""harbor_* modules against the Harbor API emulator (tests/emulators/harbor.py), through real
ansible-playbook runs in both execution modes: in-process on the controller (the action plugins) and as
ordinary modules.

Harbor cannot run on our machines: the emulator validates every request it receives and every response it
sends against Harbor's own API description (v2.15.2) and records every write, so these tests assert the
exact writes a playbook made (check mode and steady-state runs must write nothing), and the fixture fails
the test if the emulator recorded any spec violation.

The rhythms that need nothing beyond the write log and the results (harbor_project_member, harbor_user_group,
harbor_retention_policy, harbor_immutable_rule, harbor_schedule, harbor_cve_allowlist, and the other modules
under tests/integration/targets) are ansible-test targets (scripts/integration-targets.sh); this file keeps
what needs the emulator's internals: seeded state, request bodies next to the secret scans of -vvv output,
faults and request counts.
"""

import re

import pytest

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


@pytest.mark.parametrize('mode', MODES)
def test_robot_account(harbor_emulator, prefix, mode):
    custom = 'Cu5tom' + prefix
    result = run_playbook('harbor_robot_account.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, custom_secret=custom))
    assert result.ok, str(result)
    first = re.search(r'FIRST-SECRET=(\S+?)"', result.stdout).group(1)
    second = re.search(r'SECOND-SECRET=(\S+?)"', result.stdout).group(1)
    # The permission update kept the secret: the emulator still had the first one until the regeneration.
    # The chosen secret is set right after the create (Harbor ignores one sent with POST /robots), again by
    # update_secret=always; then the regeneration asks Harbor for a new one.
    refreshes = [w for w in harbor_emulator.writes if w.method == 'PATCH']
    assert [w.body for w in refreshes] == [{'secret': custom}, {'secret': custom}, {'secret': ''}]
    assert all('secret' not in (w.body or {}) for w in harbor_emulator.writes if w.method == 'POST')
    assert harbor_emulator.robot('robot$%s-ci+builder' % prefix) is None  # deleted at the end
    assert harbor_emulator.robot('robot$%s-puller' % prefix)['secret'] == custom
    # no duration in the task: the robot got the system's robot_token_duration (30 days), not "never expires"
    assert harbor_emulator.robot('robot$%s-puller' % prefix)['duration'] == harbor_emulator.config['robot_token_duration']
    # Secrets never reach the output (-vvv shows results and module arguments) except where printed on purpose.
    assert result.stdout.count(first) == 1, 'the generated secret leaked into the output'
    assert result.stdout.count(second) == 1, 'the regenerated secret leaked into the output'
    assert custom not in result.stdout, 'the custom secret leaked into the output'
    assert writes(harbor_emulator) == [
        'POST /projects',
        'POST /robots',
        'PUT /robots/N',
        'POST /robots',
        'PATCH /robots/N',
        'PATCH /robots/N',
        'PATCH /robots/N',
        'DELETE /robots/N',
    ]


@pytest.mark.parametrize('mode', MODES)
def test_registry_and_replication(harbor_emulator, prefix, mode):
    secret = 'Remote' + prefix
    result = run_playbook('harbor_registry.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, remote_secret=secret))
    assert result.ok, str(result)
    # The secret went to Harbor on create and on the rotation only, and never into the output.
    bodies = [w.body or {} for w in harbor_emulator.writes if w.path.startswith('/registries')]
    sent = [body.get('access_secret') or (body.get('credential') or {}).get('access_secret') for body in bodies]
    assert sent == [secret, None, secret, None]
    assert secret not in result.stdout
    assert writes(harbor_emulator) == [
        'POST /registries',
        'PUT /registries/N',
        'PUT /registries/N',
        'POST /replication/policies',
        'PUT /replication/policies/N',
        'DELETE /replication/policies/N',
        'POST /projects',
        'DELETE /projects/%s-cache' % prefix,
        'DELETE /registries/N',
    ]


@pytest.mark.parametrize('mode', MODES)
def test_project_policies(harbor_emulator, prefix, mode):
    token = 'Tok' + prefix
    result = run_playbook('harbor_project_policies.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, hook_token=token))
    assert result.ok, str(result)
    assert token not in result.stdout
    p = prefix
    assert writes(harbor_emulator) == [
        'POST /projects',
        'POST /projects/%s-apps/webhook/policies' % p,
        'PUT /projects/%s-apps/webhook/policies/N' % p,
        'DELETE /projects/%s-apps/webhook/policies/N' % p,
    ]


@pytest.mark.parametrize('mode', MODES)
def test_config(harbor_emulator, prefix, mode):
    harbor_emulator.add_user('%s-bob' % prefix, 'Aa1' + prefix + 'pw')
    harbor_emulator.config['self_registration'] = True  # so that the playbook has something to turn off
    secret = 'Oidc' + prefix
    result = run_playbook('harbor_system.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, oidc_secret=secret))
    assert result.ok, str(result)
    assert secret not in result.stdout
    config_writes = [w.body for w in harbor_emulator.writes if w.path == '/configurations']
    assert config_writes == [
        {'self_registration': False, 'robot_token_duration': 90, 'project_creation_restriction': 'adminonly',
         'oidc_client_secret': secret},
        {'oidc_client_secret': secret},
    ]
    assert writes(harbor_emulator) == [
        'PUT /configurations',
        'PUT /configurations',
    ]


@pytest.mark.parametrize('mode', MODES)
def test_bad_input_rejected_before_any_request(harbor_emulator, mode):
    result = run_playbook('harbor_bad_input.yml', extra_vars=harbor_vars(harbor_emulator, 'unused', mode))
    assert result.ok, str(result)
    assert harbor_emulator.log == []


def test_listing_spans_pages(harbor_emulator, prefix):
    # 130 projects (plus Harbor's own "library"): two pages of 100 for the loop's info task.
    loop_vars = harbor_vars(harbor_emulator, prefix, 'controller', count=130)
    result = run_playbook('harbor_loop.yml', extra_vars=loop_vars)
    assert result.ok, str(result)
    # First run: every item creates, so the loop never lists (the read-ahead starts after two unchanged
    # items in a row); the info task reads two pages.
    pages = [e for e in harbor_emulator.log if e.method == 'GET' and e.path == '/projects']
    assert len(pages) == 2
    assert harbor_emulator.count('POST', r'^/projects$') == 130
    assert harbor_emulator.count('GET', r'^/projects/%s-' % prefix) == 2 * 130  # before and after each create
    # Steady state: the first two items are read by name (storage_quota is not managed, so no quota read),
    # then the whole project list once (two pages) answers the other 128; the info task then reads two
    # pages of projects and two of quotas. No per-item listing.
    del harbor_emulator.log[:]
    loop_vars = harbor_vars(harbor_emulator, prefix, 'controller', count=130)
    result = run_playbook('harbor_loop.yml', extra_vars=loop_vars)
    assert result.ok, str(result)
    assert 'changed=0' in result.stdout
    assert harbor_emulator.count('GET', r'^/projects/%s-' % prefix) == 2
    assert harbor_emulator.count('GET', r'^/projects$') == 2 + 2
    assert len(harbor_emulator.log) == 2 + 2 + 4
    # A project changed behind Ansible's back is found by the listing and converged on a fresh read.
    changed = [p for p in harbor_emulator.projects.values() if p['name'] == '%s-77' % prefix][0]
    changed['metadata']['auto_scan'] = 'false'
    del harbor_emulator.log[:]
    before = len(harbor_emulator.writes)
    result = run_playbook('harbor_loop.yml', extra_vars=dict(loop_vars, check_listing=False))
    assert result.ok, str(result)
    assert 'changed=1' in result.stdout
    assert harbor_emulator.count('GET', r'^/projects/%s-77$' % prefix) == 2  # the fresh read, the re-read
    assert writes(harbor_emulator)[before:] == ['PUT /projects/%s-77' % prefix]
    assert changed['metadata']['auto_scan'] == 'true'


def test_faults_503_429_and_drop_are_retried(harbor_emulator, prefix):
    harbor_emulator.inject('status', status=503, times=1, match=r'POST /projects$')
    harbor_emulator.inject('429', retry_after=1, times=1, match=r'GET /projects/')
    harbor_emulator.inject('drop', times=1, match=r'GET /projects/', at=2)  # a GET is safe to repeat after a drop
    result = run_playbook('harbor_loop.yml', extra_vars=harbor_vars(harbor_emulator, prefix, 'controller', count=1))
    assert result.ok, str(result)
    statuses = [(e.method, e.path, e.status) for e in harbor_emulator.log]
    assert ('POST', '/projects', 503) in statuses and ('POST', '/projects', 201) in statuses
    assert ('GET', '/projects/%s-0' % prefix, 429) in statuses
    assert harbor_emulator.count('POST', r'^/projects$') == 2
    assert harbor_emulator.count('GET', r'^/projects/%s-0$' % prefix) >= 3  # 429, dropped, then answered


@pytest.mark.parametrize('mode', MODES)
def test_persistent_500_fails_with_harbor_message_and_request_id(harbor_emulator, prefix, mode):
    harbor_emulator.inject('status', status=500, times=100, match=r'GET /projects/')
    result = run_playbook('harbor_loop.yml', extra_vars=harbor_vars(harbor_emulator, prefix, mode, count=1))
    assert not result.ok
    failed = [e for e in harbor_emulator.log if e.status == 500]
    assert len(failed) == 1, 'a 500 is not retried'
    assert "Failed to read Harbor project '%s-0'" % prefix in result.stdout
    assert 'returned HTTP 500: injected fault: HTTP 500' in result.stdout  # Harbor's own message
    assert 'X-Request-Id: %s' % failed[0].request_id in result.stdout
    assert harbor_emulator.writes == []


def test_non_admin_gets_a_clear_403(harbor_emulator, prefix):
    values = harbor_vars(harbor_emulator, prefix, 'controller', count=1)
    values.update(harbor_user=harbor_emulator.user_username, harbor_password=harbor_emulator.user_password)
    result = run_playbook('harbor_loop.yml', extra_vars=values)
    assert not result.ok
    assert "Failed to read Harbor project '%s-0'" % prefix in result.stdout or \
        "Failed to create Harbor project '%s-0'" % prefix in result.stdout, str(result)
    assert 'HTTP 403' in result.stdout
    assert harbor_emulator.writes == []


@pytest.mark.parametrize('mode', MODES)
def test_user(harbor_emulator, prefix, mode):
    first, second = 'Fir5t' + prefix, 'Sec0nd' + prefix
    result = run_playbook('harbor_user.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, first_password=first,
                                                 second_password=second))
    assert result.ok, str(result)
    # Passwords went to Harbor on the create and on the one rotation only, and never into the output.
    sent = [(w.path.endswith('/password'), (w.body or {}).get('password') or (w.body or {}).get('new_password'))
            for w in harbor_emulator.writes if w.path.startswith('/users')]
    assert [s for s in sent if s[1]] == [(False, first), (True, second)]
    assert first not in result.stdout and second not in result.stdout, 'a password leaked into the output'
    assert writes(harbor_emulator) == [
        'POST /users',
        'PUT /users/N',
        'PUT /users/N/sysadmin',
        'PUT /users/N/password',
        'DELETE /users/N',
    ]


@pytest.mark.parametrize('mode', MODES)
def test_scanners(harbor_emulator, prefix, mode):
    token = 'Tok' + prefix
    result = run_playbook('harbor_security.yml', verbosity=3,
                          extra_vars=harbor_vars(harbor_emulator, prefix, mode, scanner_token=token))
    assert result.ok, str(result)
    assert token not in result.stdout, 'the scanner credential leaked into the output'
    # The credential went to Harbor on the create and on the rotation only (an empty one keeps it).
    sent = [(w.body or {}).get('access_credential') for w in harbor_emulator.writes
            if w.method in ('POST', 'PUT') and w.path.startswith('/scanners')]
    assert sent == [token, '', token]
    assert harbor_emulator.scanner('Trivy')['is_default'] and harbor_emulator.scanner('%s-grype' % prefix) is None
    grype = '/scanners/' + harbor_emulator.writes[1].path.rsplit('/', 1)[1]  # the registration's UUID
    assert writes(harbor_emulator) == [
        'POST /scanners',
        'PUT ' + grype,
        'PATCH ' + grype,
        'PUT ' + grype,
        'PATCH /scanners/' + harbor_emulator.scanner('Trivy')['uuid'],
        'DELETE ' + grype,
    ]
