"""nexus_* modules through real ansible-playbook runs against the Nexus emulator.

Nexus cannot run on our machines: tests/emulators/nexus.py emulates its REST API and validates every
request and response against Nexus 3.94's official API description, so a module that sends a body
Nexus would reject, or expects an answer Nexus does not give, fails here (the nexus_emulator fixture
fails any test that caused a spec violation). Each playbook runs in both execution modes: in-process on
the controller (the action plugins) and as ordinary modules. The emulator's write log proves that check
mode wrote nothing: the writes of a whole rhythm must be exactly those of its real (non-check) changes.
"""

import pytest

from tests.helpers import run_playbook

MODES = ['controller', 'module']
REMOTE_SECRET = 'remote-Secr3t-for-the-proxy'


def run(emulator, playbook, prefix, mode, check=False, verbosity=1, tags=None, **extra):
    extra_vars = {'nexus_url': emulator.base_url, 'nexus_password': emulator.admin_password, 'prefix': prefix,
                  'maestro_platform_execution': mode}
    extra_vars.update(extra)
    result = run_playbook(playbook, extra_vars=extra_vars, check=check, verbosity=verbosity, tags=tags)
    assert result.ok, str(result)
    return result


def writes(emulator):
    return [(w.method, w.path) for w in emulator.writes]


@pytest.mark.parametrize('mode', MODES)
def test_repository_rhythm(nexus_emulator, prefix, mode):
    result = run(nexus_emulator, 'nexus_repository.yml', prefix, mode, remote_secret=REMOTE_SECRET)
    hosted, proxy, group = ('%s-pypi-%s' % (prefix, kind) for kind in ('hosted', 'proxy', 'group'))
    assert writes(nexus_emulator) == [
        ('POST', '/v1/repositories/pypi/hosted'),
        ('PUT', '/v1/repositories/pypi/hosted/%s' % hosted),       # online/write policy update
        ('POST', '/v1/repositories/pypi/proxy'),
        ('PUT', '/v1/repositories/pypi/proxy/%s' % proxy),         # update_password=always
        ('POST', '/v1/repositories/pypi/group'),
        ('PUT', '/v1/repositories/pypi/group/%s' % group),         # member order
        ('DELETE', '/v1/repositories/%s' % group),
        ('DELETE', '/v1/repositories/%s' % proxy),
        ('DELETE', '/v1/repositories/%s' % hosted),
    ]
    # the remote password reached Nexus on create and on the forced update, and was never shown
    proxy_writes = [w for w in nexus_emulator.writes if w.path.startswith('/v1/repositories/pypi/proxy')]
    assert [w.body['httpClient']['authentication']['password'] for w in proxy_writes] == [REMOTE_SECRET] * 2
    assert REMOTE_SECRET not in result.stdout
    assert nexus_emulator.admin_password not in result.stdout


@pytest.mark.parametrize('mode', MODES)
def test_blobstore_rhythm(nexus_emulator, prefix, mode):
    secret = 'S3-secret-%s' % prefix
    result = run(nexus_emulator, 'nexus_blobstore.yml', prefix, mode, s3_endpoint='http://127.0.0.1:9000',
                 s3_secret=secret)
    store = '%s-s3' % prefix
    assert writes(nexus_emulator) == [
        ('POST', '/v1/blobstores/s3'),
        ('PUT', '/v1/blobstores/s3/%s' % store),                  # soft quota 10Gi
        ('PUT', '/v1/blobstores/s3/%s' % store),                  # soft quota limit_mb 10240 (deprecated)
        ('POST', '/v1/repositories/raw/hosted'),
        ('DELETE', '/v1/repositories/%s-raw' % prefix),
        ('POST', '/v1/blobstores/file'),
        ('DELETE', '/v1/blobstores/%s' % store),
        ('DELETE', '/v1/blobstores/%s-file' % prefix),
    ]
    create, quota = nexus_emulator.writes[0], nexus_emulator.writes[1]
    # the README's field names; the secret is sent once, the update keeps it with Nexus's placeholder
    assert create.body['bucketConfiguration']['security']['secretAccessKey'] == secret
    assert create.body['bucketConfiguration']['advancedConnection'] == {'endpoint': 'http://127.0.0.1:9000',
                                                                        'forcePathStyle': True}
    assert quota.body['bucketConfiguration']['security']['secretAccessKey'] == '#~NXRM~PLACEHOLDER~PASSWORD~#'
    # Nexus stores softQuota.limit as bytes (BlobStoreApiModel, S3BlobStoreApiModelMapper)
    assert quota.body['softQuota'] == {'type': 'spaceUsedQuota', 'limit': 10 * 2 ** 30}
    assert nexus_emulator.writes[2].body['softQuota'] == {'type': 'spaceUsedQuota', 'limit': 10240 * 10 ** 6}
    assert secret not in result.stdout


@pytest.mark.parametrize('mode', MODES)
def test_users_roles_rhythm(nexus_emulator, prefix, mode):
    secrets = ('User-pass-1-%s' % prefix, 'User-pass-2-%s' % prefix)
    result = run(nexus_emulator, 'nexus_users_roles.yml', prefix, mode, user_secret=secrets[0],
                 user_secret_2=secrets[1])
    user, role = '%s-dev' % prefix, '%s-developers' % prefix
    assert writes(nexus_emulator) == [
        ('POST', '/v1/security/roles'),
        ('POST', '/v1/security/users'),
        ('PUT', '/v1/security/users/%s/change-password' % user),
        ('PUT', '/v1/security/users/%s' % user),                  # locked
        ('DELETE', '/v1/security/users/%s' % user),
        ('DELETE', '/v1/security/roles/%s' % role),
    ]
    change = nexus_emulator.writes[2]
    assert change.body == secrets[1]  # the raw text/plain body
    assert not any(s in result.stdout for s in secrets)


@pytest.mark.parametrize('mode', MODES)
def test_admin_password_bootstrap(nexus_emulator, prefix, mode):
    desired = 'Adm1n-%s' % prefix
    generated = nexus_emulator.admin_password
    result = run(nexus_emulator, 'nexus_admin_password.yml', prefix, mode, admin_password=desired,
                 password_file=nexus_emulator.admin_password_file)
    assert nexus_emulator.admin_password == desired
    assert nexus_emulator.eula_accepted
    assert writes(nexus_emulator) == [('PUT', '/v1/security/users/admin/change-password'),
                                      ('POST', '/v1/system/eula')]
    assert desired not in result.stdout and generated not in result.stdout


LAYOUT_REPOSITORIES = 13


def test_platform_layout_converges_and_is_idempotent(nexus_emulator, prefix):
    extra = {'s3_endpoint': 'http://127.0.0.1:9000', 's3_secret': 'S3-secret-%s' % prefix}
    checked = run(nexus_emulator, 'nexus_platform_layout.yml', prefix, 'controller', check=True, verbosity=0,
                  **extra)
    assert writes(nexus_emulator) == [], 'check mode wrote to Nexus'
    assert 'does not exist yet; in check mode' in checked.stdout + checked.stderr

    first = run(nexus_emulator, 'nexus_platform_layout.yml', prefix, 'controller', verbosity=0, **extra)
    assert 'changed=3' in first.stdout and 'failed=0' in first.stdout
    created = writes(nexus_emulator)
    assert created[0] == ('POST', '/v1/blobstores/s3')
    assert len([w for w in created if w[0] == 'POST' and w[1].startswith('/v1/repositories/')]) \
        == LAYOUT_REPOSITORIES
    # no writable member: group deployment is Nexus Pro only
    assert nexus_emulator.repository('pypi-group')['group'] == {'memberNames': ['pypi-hosted', 'pypi-proxy']}
    assert nexus_emulator.repository('pypi-proxy')['proxy']['remoteUrl'] == 'https://pypi.org/'
    assert {nexus_emulator.repository(name)['storage']['blobStoreName']
            for name in ('pypi-hosted', 'docker-group', 'raw-hosted')} == {'platform-s3'}

    for mode in ('controller', 'module'):
        nexus_emulator.log.clear()
        again = run(nexus_emulator, 'nexus_platform_layout.yml', prefix, mode, verbosity=0, **extra)
        assert 'changed=0' in again.stdout, again.stdout
        assert writes(nexus_emulator) == created
        # steady state, as ordinary modules: one GET per repository and per blob store, two for the
        # security settings; in-process, the loop's read-ahead reads the first two repositories by name and
        # then lists every repository's settings once (GET /v1/repositorySettings) for the other eleven.
        repository_reads = LAYOUT_REPOSITORIES if mode == 'module' else 2 + 1
        assert len(nexus_emulator.log) == repository_reads + 1 + 2
        assert nexus_emulator.count('GET', r'^/v1/repositorySettings$') == (0 if mode == 'module' else 1)


def test_bad_input_is_refused_before_any_request(nexus_emulator, prefix):
    # Controller mode only: the module's own checks are the same code in both modes (the rhythm playbooks
    # show failures surfacing from ordinary modules too), and 25 failing module runs cost ~30 s here.
    run(nexus_emulator, 'nexus_bad_input.yml', prefix, 'controller', verbosity=0, tags='no_request')
    assert nexus_emulator.requests['total'] == 0


def test_bad_input_needing_nexus_is_refused_before_any_write(nexus_emulator, prefix):
    run(nexus_emulator, 'nexus_bad_input.yml', prefix, 'controller', verbosity=0, tags='no_write')
    assert nexus_emulator.requests['total'] > 0
    assert nexus_emulator.writes == []


def test_faults_retried_or_reported(nexus_emulator, prefix):
    nexus_emulator.inject('status', status=503, match=r'GET .*/raw/hosted/%s-retry$' % prefix)
    nexus_emulator.inject('status', status=503, match=r'POST .*/v1/repositories/raw/hosted$')
    nexus_emulator.inject('status', status=500, times=20, match=r'GET .*/raw/hosted/%s-broken$' % prefix)
    run(nexus_emulator, 'nexus_faults.yml', prefix, 'controller', verbosity=0)
    retry = [(e.method, e.path, e.status) for e in nexus_emulator.log if '-broken' not in e.path]
    full = '/v1/repositories/raw/hosted/%s-retry' % prefix
    assert retry == [('GET', full, 503), ('GET', full, 404),
                     ('POST', '/v1/repositories/raw/hosted', 503), ('POST', '/v1/repositories/raw/hosted', 201),
                     ('GET', full, 200)]
    assert writes(nexus_emulator) == [('POST', '/v1/repositories/raw/hosted')]
    broken = [e.status for e in nexus_emulator.log if e.path.endswith('-broken')]
    assert broken == [500], 'a 500 is not retried: the server acted or failed, it did not refuse'
