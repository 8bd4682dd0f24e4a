"""The Nexus emulator itself: the Nexus behaviour it promises (tests/emulators/nexus.py's docstring and
../shared/specs/README.md), and that it validates requests and responses against the spec."""

import os

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, HttpClient
from tests.emulators.nexus import EULA_DISCLAIMER, INSUFFICIENT_LICENSE, PLACEHOLDER


@pytest.fixture
def api(nexus_emulator):
    client = HttpClient(nexus_emulator.url, username='admin', password=nexus_emulator.admin_password,
                        max_attempts=1)
    yield client
    client.close()


def hosted(name, policy='ALLOW_ONCE', blob='default'):
    return {'name': name, 'online': True,
            'storage': {'blobStoreName': blob, 'strictContentTypeValidation': True, 'writePolicy': policy}}


def proxy(name, url='https://pypi.org/', auth=None):
    body = {'name': name, 'online': True, 'storage': {'blobStoreName': 'default', 'strictContentTypeValidation': True},
            'proxy': {'remoteUrl': url, 'contentMaxAge': 1440, 'metadataMaxAge': 1440},
            'negativeCache': {'enabled': True, 'timeToLive': 1440}, 'httpClient': {'blocked': False, 'autoBlock': True}}
    if auth:
        body['httpClient']['authentication'] = auth
    return body


def group(name, members, writable=None):
    body = {'name': name, 'online': True, 'storage': {'blobStoreName': 'default', 'strictContentTypeValidation': True},
            'group': {'memberNames': members}}
    if writable:
        body['group']['writableMember'] = writable
    return body


def status_of(call, *args, **kwargs):
    try:
        return call(*args, **kwargs) and 200
    except ApiError as exc:
        return exc.status


def test_repository_create_duplicate_update_missing(api, nexus_emulator):
    assert api.request('POST', '/v1/repositories/pypi/hosted', json_body=hosted('py')).status == 201
    with pytest.raises(ApiError) as err:
        api.post('/v1/repositories/pypi/hosted', hosted('PY'))  # names are unique ignoring case
    # the repository manager's errors are a JSON string (AbstractRepositoriesApiResource), ...
    assert err.value.status == 400 and 'must be unique' in err.value.body
    with pytest.raises(ApiError) as err:
        api.post('/v1/repositories/pypi/hosted', hosted('_bad'))
    # ... bean validation's are lists of {id, message}
    assert err.value.status == 400 and set(err.value.body[0]) == {'id', 'message'}
    with pytest.raises(ApiError) as err:
        api.get('/v1/repositories/pypi/hosted/nope')
    assert err.value.status == 404 and err.value.body == 'Repository not found'
    assert api.request('PUT', '/v1/repositories/pypi/hosted/py', json_body=hosted('py', 'deny')).status == 204
    with pytest.raises(ApiError) as err:
        api.put('/v1/repositories/pypi/hosted/nope', hosted('nope'))
    assert err.value.status == 404


def test_summary_versus_full_settings_and_write_policy_echo(api):
    api.post('/v1/repositories/maven/hosted', dict(hosted('m', 'allow_once'),
                                                   maven={'versionPolicy': 'RELEASE', 'layoutPolicy': 'STRICT'}))
    summary = api.get('/v1/repositories/m')
    assert summary['format'] == 'maven2' and summary['type'] == 'hosted' and 'storage' not in summary
    full = api.get('/v1/repositories/maven/hosted/m')
    assert full['storage']['writePolicy'] == 'allow_once'  # echoed as stored, not normalised
    assert full['maven']['versionPolicy'] == 'RELEASE'
    # another format or type: not found
    assert status_of(api.get, '/v1/repositories/maven/proxy/m') == 404
    assert status_of(api.get, '/v1/repositories/npm/hosted/m') == 404


def test_remote_password_is_never_returned_and_a_put_without_it_clears_it(api, nexus_emulator):
    auth = {'type': 'username', 'username': 'u', 'password': 'remote-pw'}
    api.post('/v1/repositories/pypi/proxy', proxy('pp', auth=auth))
    got = api.get('/v1/repositories/pypi/proxy/pp')
    assert got['httpClient']['authentication'] == {'type': 'username', 'username': 'u'}
    assert nexus_emulator.repo_secret('pp') == 'remote-pw'
    api.put('/v1/repositories/pypi/proxy/pp', proxy('pp', auth={'type': 'username', 'username': 'u'}))
    assert nexus_emulator.repo_secret('pp') is None


def test_rename_and_blob_store_change_rejected(api):
    api.post('/v1/repositories/raw/hosted', hosted('r'))
    api.post('/v1/blobstores/file', {'name': 'other', 'path': 'other'})
    with pytest.raises(ApiError) as err:
        api.put('/v1/repositories/raw/hosted/r', hosted('r', blob='other'))
    assert err.value.status == 400 and 'Blob store cannot be changed' in err.value.message
    with pytest.raises(ApiError) as err:
        api.put('/v1/repositories/raw/hosted/r', hosted('r2'))
    assert err.value.status == 400


def test_group_members_must_exist_have_the_format_and_leave_when_deleted(api, nexus_emulator):
    api.post('/v1/repositories/npm/hosted', hosted('nh'))
    api.post('/v1/repositories/pypi/hosted', hosted('ph'))
    for members, message in ((['missing'], 'does not exist'), (['ph'], 'is of format pypi')):
        with pytest.raises(ApiError) as err:
            api.post('/v1/repositories/npm/group', group('ng', members))
        assert err.value.status == 400 and message in err.value.message
    api.post('/v1/repositories/npm/proxy', proxy('np', url='https://registry.npmjs.org/'))
    nexus_emulator.edition = 'PRO'  # a writable member (group deployment) is Pro only
    api.post('/v1/repositories/npm/group', group('ng', ['nh', 'np'], writable='nh'))
    api.delete('/v1/repositories/nh')
    assert api.get('/v1/repositories/npm/group/ng')['group'] == {'memberNames': ['np']}


def test_users_post_200_put_204_change_password_text_plain(api, nexus_emulator):
    user = {'userId': 'dev', 'firstName': 'D', 'lastName': 'E', 'emailAddress': 'd@example.com',
            'password': 'pw-1', 'status': 'active', 'roles': ['nx-anonymous']}
    created = api.request('POST', '/v1/security/users', json_body=user)
    assert created.status == 200 and created.json['userId'] == 'dev' and 'password' not in created.json
    update = dict(user, source='default', status='locked')
    del update['password']
    assert api.request('PUT', '/v1/security/users/dev', json_body=update).status == 204
    # prefix search
    assert [u['userId'] for u in api.get('/v1/security/users', query={'userId': 'a'})] == ['admin', 'anonymous']
    with pytest.raises(ApiError) as err:  # JSON is not what change-password takes
        api.put('/v1/security/users/dev/change-password', 'pw-2')
    assert err.value.status == 400
    resp = api.request('PUT', '/v1/security/users/dev/change-password', data='pw-2', content_type='text/plain')
    assert resp.status == 204 and nexus_emulator.passwords['dev'] == 'pw-2'


def test_only_active_users_with_the_right_password_authenticate(api, nexus_emulator):
    anonymous = HttpClient(nexus_emulator.url, max_attempts=1)
    wrong = HttpClient(nexus_emulator.url, username='admin', password='wrong', max_attempts=1)
    assert status_of(anonymous.get, '/v1/security/realms/active') == 401
    assert status_of(wrong.get, '/v1/security/realms/active') == 401
    api.post('/v1/security/users', {'userId': 'dev', 'firstName': 'D', 'lastName': 'E', 'status': 'active',
                                    'emailAddress': 'd@example.com', 'password': 'pw-1', 'roles': []})
    dev = HttpClient(nexus_emulator.url, username='dev', password='pw-1', max_attempts=1)
    assert status_of(dev.get, '/v1/security/realms/active') == 403  # signed in, not allowed


def test_admin_password_file_flow(nexus_emulator):
    path = nexus_emulator.admin_password_file
    with open(path) as handle:
        generated = handle.read()
    assert generated == nexus_emulator.admin_password and len(generated) == 36  # a random UUID
    admin = HttpClient(nexus_emulator.url, username='admin', password=generated, max_attempts=1)
    admin.request('PUT', '/v1/security/users/admin/change-password', data='N3w-admin-pw', content_type='text/plain')
    assert not os.path.exists(path)
    assert status_of(admin.get, '/v1/security/realms/active') == 401
    nexus_emulator.reset()
    assert os.path.exists(path) and nexus_emulator.admin_password != generated


def test_eula(api, nexus_emulator):
    status = api.get('/v1/system/eula')
    assert status == {'accepted': False, 'disclaimer': EULA_DISCLAIMER}
    with pytest.raises(ApiError):
        api.post('/v1/system/eula', {'accepted': True, 'disclaimer': 'something else'})
    assert api.request('POST', '/v1/system/eula', json_body={'accepted': True, 'disclaimer': EULA_DISCLAIMER}).status == 204
    assert api.get('/v1/system/eula')['accepted'] and nexus_emulator.eula_accepted


def test_s3_blob_store_field_names_and_secret_placeholder(api, nexus_emulator):
    body = {'name': 's3', 'bucketConfiguration': {
        'bucket': {'name': 'nexus-blobs', 'region': 'us-east-1', 'prefix': ''},
        'security': {'accessKeyId': 'AK', 'secretAccessKey': 'SK'},
        'advancedConnection': {'endpoint': 'http://127.0.0.1:9000', 'forcePathStyle': True}}}
    assert api.request('POST', '/v1/blobstores/s3', json_body=body).status == 201
    got = api.get('/v1/blobstores/s3/s3')
    assert got['bucketConfiguration']['security'] == {'accessKeyId': 'AK', 'secretAccessKey': PLACEHOLDER}
    assert got['bucketConfiguration']['advancedConnection']['forcePathStyle'] is True
    api.put('/v1/blobstores/s3/s3', got)  # the placeholder keeps the secret
    assert nexus_emulator.blobstore_secret('s3') == 'SK'
    api.post('/v1/repositories/raw/hosted', hosted('r', blob='s3'))
    with pytest.raises(ApiError) as err:
        api.delete('/v1/blobstores/s3')
    assert 'in use' in err.value.message
    assert {s['name']: s['type'] for s in api.get('/v1/blobstores')} == {'default': 'File', 's3': 'S3'}


def test_realms_are_ordered_and_checked(api):
    api.put('/v1/security/realms/active', ['NexusAuthenticatingRealm', 'NpmToken', 'DockerToken'])
    assert api.get('/v1/security/realms/active') == ['NexusAuthenticatingRealm', 'NpmToken', 'DockerToken']
    with pytest.raises(ApiError) as err:
        api.put('/v1/security/realms/active', ['Nope'])
    assert err.value.status == 400


def test_requests_outside_the_spec_are_rejected_not_served(api, nexus_emulator):
    with pytest.raises(ApiError) as err:  # storage is required by the spec
        api.post('/v1/repositories/raw/hosted', {'name': 'x', 'online': True})
    assert err.value.status == 400
    with pytest.raises(ApiError) as err:  # writePolicy of a group is a lower-case enum in the spec
        api.post('/v1/repositories/raw/group', dict(group('g', []), storage={
            'blobStoreName': 'default', 'strictContentTypeValidation': True, 'writePolicy': 'ALLOW'}))
    assert err.value.status == 400
    assert nexus_emulator.writes == []
    assert nexus_emulator.violations == []  # a rejected request is the client's fault, not a violation


def test_a_response_outside_the_spec_is_a_violation(api, nexus_emulator):
    api.post('/v1/repositories/raw/hosted', hosted('r'))
    nexus_emulator.repos['r']['config']['online'] = 'yes'  # corrupt the state: online must be a boolean
    with pytest.raises(ApiError) as err:
        api.get('/v1/repositories/raw/hosted/r')
    assert err.value.status == 500
    assert nexus_emulator.violations and 'online' in nexus_emulator.violations[0]
    nexus_emulator.violations.clear()  # expected here: keep the fixture's teardown check for the others


def test_every_answer_names_the_edition_and_status_is_served(api, nexus_emulator):
    # EnvironmentFilter: Server = "Nexus/<version> (<edition>)" on every response
    answer = api.request('GET', '/v1/status')
    assert answer.status == 200 and answer.header('Server') == 'Nexus/3.94.0-12 (COMMUNITY)'
    nexus_emulator.edition = 'PRO'
    assert api.request('GET', '/v1/repositories').header('Server') == 'Nexus/3.94.0-12 (PRO)'


def test_writable_member_refused_unless_pro(api, nexus_emulator):
    # AbstractGroupRepositoriesApiResource.validateGroupDeploy: not PRO -> a violation on writableMember with
    # GroupHandler.INSUFFICIENT_LICENSE, before any other writable-member check; the group is not created
    api.post('/v1/repositories/npm/hosted', hosted('nh'))
    with pytest.raises(ApiError) as err:
        api.post('/v1/repositories/npm/group', group('ng', ['nh'], writable='nh'))
    assert err.value.status == 400
    assert err.value.body == [{'id': 'writableMember', 'message': INSUFFICIENT_LICENSE}]
    assert INSUFFICIENT_LICENSE.startswith('Deploying to groups is a PRO-licensed feature. See https://')
    assert status_of(api.get, '/v1/repositories/npm/group/ng') == 404
    api.post('/v1/repositories/npm/group', group('ng', ['nh']))
    with pytest.raises(ApiError) as err:
        api.put('/v1/repositories/npm/group/ng', group('ng', ['nh'], writable='nh'))
    assert err.value.status == 400 and 'PRO-licensed' in err.value.body[0]['message']
    nexus_emulator.edition = 'PRO'
    answer = api.request('PUT', '/v1/repositories/npm/group/ng', json_body=group('ng', ['nh'], writable='nh'))
    assert answer.status == 204
    assert api.get('/v1/repositories/npm/group/ng')['group']['writableMember'] == 'nh'


@pytest.mark.parametrize('kind', ['file', 's3'])
def test_soft_quota_limit_kept_in_bytes_exactly_as_sent(api, nexus_emulator, kind):
    # BlobStoreApiModel / S3BlobStoreApiModelMapper store softQuota.limit unconverted; quotas compare bytes
    limit = 500 * 10 ** 9 + 1
    quota = {'type': 'spaceUsedQuota', 'limit': limit}
    if kind == 'file':
        api.post('/v1/blobstores/file', {'name': 'q', 'path': 'q', 'softQuota': quota})
    else:
        api.post('/v1/blobstores/s3', {'name': 'q', 'type': 's3', 'softQuota': quota, 'bucketConfiguration': {
            'bucket': {'name': 'nexus-blobs', 'region': 'us-east-1'}}})
    assert api.get('/v1/blobstores/%s/q' % kind)['softQuota'] == quota
    assert [s['softQuota'] for s in api.get('/v1/blobstores') if s['name'] == 'q'] == [quota]
