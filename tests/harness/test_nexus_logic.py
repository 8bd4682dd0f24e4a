"""The nexus_* modules' logic (plugins/module_utils/_nexus.py, _nexus_repository.py) run in-process against the Nexus emulator,
which validates every request and response against Nexus 3.94's API description: every supported
format/type combination, request counts, check mode, password semantics and the admin bootstrap."""

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.maestro.platform.plugins.module_utils import _nexus_user as nexus_user
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_role as nexus_role
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_security as nexus_security
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_admin_password as nexus_admin_password
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository as nexus_repository
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository_fields as nexus_repository_fields
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository_info as nexus_repository_info
from ansible_collections.maestro.platform.plugins.module_utils._nexus_blobstore import BlobStore
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


class Runner:
    def __init__(self, emulator):
        self.emulator = emulator
        self.requests = 0

    def __call__(self, cls, check=False, diff=True, **args):
        args.setdefault('url', self.emulator.base_url)
        args.setdefault('username', 'admin')
        args.setdefault('password', self.emulator.admin_password)
        validated = ArgumentSpecValidator(cls.argument_spec(), **cls.module_kwargs).validate(args)
        assert not validated.error_messages, validated.error_messages
        client = cls.make_client(validated.validated_parameters)
        try:
            return cls(validated.validated_parameters, client, check, diff).execute()
        finally:
            self.requests = client.request_count
            client.close()


# a stand-in armored key: Nexus would parse it, the emulator only stores it (never shown)
SIGNING_KEY = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot-a-real-key\n-----END PGP PRIVATE KEY BLOCK-----\n'


@pytest.fixture
def converge(nexus_emulator):
    return Runner(nexus_emulator)


def minimal(fmt, rtype, name):
    args = {'name': name, 'format': fmt, 'type': rtype}
    if rtype == 'hosted':
        args['write_policy'] = 'allow_once'
    if rtype == 'proxy':
        args['remote_url'] = 'https://remote.example.com/%s/' % fmt
    if (fmt, rtype) == ('apt', 'hosted'):
        args.update(apt={'distribution': 'bookworm'}, signing_keypair=SIGNING_KEY)
    return args


@pytest.mark.parametrize('fmt,rtype', [(f, t) for f, types in nexus_repository_fields.FORMATS.items() for t in types])
def test_every_supported_format_and_type_converges_in_one_request(converge, nexus_emulator, fmt, rtype):
    args = minimal(fmt, rtype, '%s-%s' % (fmt, rtype))
    if rtype == 'group':
        member_type = [t for t in nexus_repository_fields.FORMATS[fmt] if t != 'group'][0]
        converge(nexus_repository.Repository, **minimal(fmt, member_type, '%s-member' % fmt))
        args['members'] = ['%s-member' % fmt]
    writes_before = len(nexus_emulator.writes)
    predicted = converge(nexus_repository.Repository, check=True, **args)
    assert predicted['changed'] and len(nexus_emulator.writes) == writes_before
    created = converge(nexus_repository.Repository, **args)
    assert created['changed'] and len(nexus_emulator.writes) == writes_before + 1
    assert created['repository']['format'] == fmt and created['repository']['type'] == rtype
    again = converge(nexus_repository.Repository, **args)
    assert not again['changed'] and converge.requests == 1
    assert again['repository'] == created['repository']


def test_check_mode_never_writes(converge, nexus_emulator):
    result = converge(nexus_repository.Repository, check=True, **minimal('npm', 'hosted', 'npm-hosted'))
    assert result['changed'] and result['diff']['before'] == {} and result['repository']['write_policy'] == 'allow_once'
    converge(BlobStore, check=True, name='s3', type='s3', bucket='nexus-blobs', access_key_id='a',
             secret_access_key='s')
    converge(nexus_user.User, check=True, user_id='u', first_name='U', last_name='V', email='u@example.com',
             user_password='p')
    converge(nexus_role.Role, check=True, id='r', privileges=['nx-search-read'])
    converge(nexus_security.Security, check=True, realms=['NexusAuthenticatingRealm', 'DockerToken'], anonymous_access=True)
    assert nexus_emulator.writes == []


def test_remote_password_semantics(converge, nexus_emulator):
    args = dict(minimal('maven', 'proxy', 'maven-vendor'), remote_username='ci', remote_password='pw-1')
    converge(nexus_repository.Repository, **args)
    assert nexus_emulator.repo_secret('maven-vendor') == 'pw-1'
    # on_create: a new password is not detectable, so nothing changes ...
    assert not converge(nexus_repository.Repository, **dict(args, remote_password='pw-2'))['changed']
    assert nexus_emulator.repo_secret('maven-vendor') == 'pw-1'
    # ... but any other update carries the given password, so the PUT does not drop it
    assert converge(nexus_repository.Repository, **dict(args, online=False))['changed']
    assert nexus_emulator.repo_secret('maven-vendor') == 'pw-1'
    # always: sent (and reported) every run
    assert converge(nexus_repository.Repository, **dict(args, remote_password='pw-3', update_password='always'))['changed']
    assert nexus_emulator.repo_secret('maven-vendor') == 'pw-3'
    # an empty user name removes the authentication
    removed = converge(nexus_repository.Repository, name='maven-vendor', format='maven', type='proxy', remote_username='')
    assert removed['changed'] and removed['repository']['remote_username'] == ''
    assert nexus_emulator.repo_secret('maven-vendor') is None


def test_unmanaged_settings_are_kept_on_update(converge, nexus_emulator):
    converge(nexus_repository.Repository, **minimal('pypi', 'proxy', 'pp'))
    nexus_emulator.repos['pp']['config']['httpClient']['connection'] = {'timeout': 120, 'retries': 3}
    converge(nexus_repository.Repository, name='pp', format='pypi', type='proxy', content_max_age=60)
    assert nexus_emulator.repository('pp')['httpClient']['connection'] == {'timeout': 120, 'retries': 3}
    assert nexus_emulator.repository('pp')['proxy']['contentMaxAge'] == 60


def test_docker_and_maven_options(converge, nexus_emulator):
    result = converge(nexus_repository.Repository, name='dh', format='docker', type='hosted', write_policy='allow',
                      docker={'http_port': 8082, 'v1_enabled': True})
    assert result['repository']['docker']['http_port'] == 8082 and result['repository']['docker']['v1_enabled']
    with pytest.raises(ModuleFailure) as err:  # Nexus refuses a port another repository uses
        converge(nexus_repository.Repository, name='dp', format='docker', type='proxy', remote_url='https://registry-1.docker.io',
                 docker={'http_port': 8082, 'index_type': 'hub'})
    assert 'Port 8082 is already in use by repository dh' in err.value.msg
    result = converge(nexus_repository.Repository, name='mh', format='maven', type='hosted', write_policy='allow',
                      maven={'version_policy': 'snapshot', 'layout_policy': 'permissive'})
    assert nexus_emulator.repository('mh')['maven'] == {'versionPolicy': 'SNAPSHOT', 'layoutPolicy': 'PERMISSIVE',
                                                        'contentDisposition': 'INLINE'}
    assert result['repository']['maven']['version_policy'] == 'snapshot'


def test_cleanup_policies_must_exist_on_the_server(converge):
    with pytest.raises(ModuleFailure) as err:
        converge(nexus_repository.Repository, cleanup_policies=['no-such-policy'], **minimal('raw', 'hosted', 'r'))
    assert "Failed to create raw hosted repository 'r'" in err.value.msg
    assert 'Cleanup policy no-such-policy does not exist' in err.value.msg


def test_repository_info(converge):
    converge(nexus_repository.Repository, **minimal('raw', 'hosted', 'raw-hosted'))
    converge(nexus_repository.Repository, **minimal('npm', 'proxy', 'npm-proxy'))
    everything = converge(nexus_repository_info.RepositoryInfo)['repositories']
    assert sorted(r['name'] for r in everything) == ['npm-proxy', 'raw-hosted'] and converge.requests == 1
    assert [r['name'] for r in converge(nexus_repository_info.RepositoryInfo, type='proxy')['repositories']] == ['npm-proxy']
    one = converge(nexus_repository_info.RepositoryInfo, name='raw-hosted')['repositories']
    assert one[0]['write_policy'] == 'allow_once' and converge.requests == 2
    assert converge(nexus_repository_info.RepositoryInfo, name='missing')['repositories'] == []


def test_s3_secret_sent_when_the_access_key_changes(converge, nexus_emulator):
    args = dict(name='s3', type='s3', bucket='nexus-blobs', access_key_id='key-1', secret_access_key='secret-1')
    converge(BlobStore, **args)
    assert not converge(BlobStore, **args)['changed'] and converge.requests == 1
    assert converge(BlobStore, **dict(args, access_key_id='key-2', secret_access_key='secret-2'))['changed']
    assert nexus_emulator.blobstore_secret('s3') == 'secret-2'


def test_user_password_always_for_a_user_that_cannot_sign_in(converge, nexus_emulator):
    args = dict(user_id='u', first_name='U', last_name='V', email='u@example.com', user_password='pw-1',
                status='disabled')
    converge(nexus_user.User, **args)
    # a disabled user cannot sign in, so whether the password is current cannot be checked: it is set
    assert converge(nexus_user.User, update_password='always', **args)['changed']
    assert not converge(nexus_user.User, **args)['changed']


def test_writable_member_is_set_and_removed_on_pro(converge, nexus_emulator):
    nexus_emulator.edition = 'PRO'
    converge(nexus_repository.Repository, **minimal('npm', 'hosted', 'nh'))
    converge(nexus_repository.Repository, **minimal('npm', 'proxy', 'np'))
    group = dict(name='ng', format='npm', type='group', members=['nh', 'np'])
    assert converge(nexus_repository.Repository, writable_member='nh', **group)['repository']['writable_member'] == 'nh'
    removed = converge(nexus_repository.Repository, writable_member='', **group)
    assert removed['changed'] and removed['repository']['writable_member'] == ''
    assert not converge(nexus_repository.Repository, **group)['changed']
    with pytest.raises(ModuleFailure, match='to a hosted member only'):
        converge(nexus_repository.Repository, writable_member='np', **group)


@pytest.mark.parametrize('edition', ['COMMUNITY', 'OSS'])
@pytest.mark.parametrize('check', [True, False])
def test_writable_member_refused_before_any_write_when_the_server_is_not_pro(converge, nexus_emulator, edition,
                                                                             check):
    nexus_emulator.edition = edition
    converge(nexus_repository.Repository, **minimal('pypi', 'hosted', 'ph'))
    group = dict(name='pg', format='pypi', type='group', members=['ph'])
    converge(nexus_repository.Repository, **group)
    writes = len(nexus_emulator.writes)
    for existing in (True, False):  # on update and on create
        with pytest.raises(ModuleFailure) as err:
            converge(nexus_repository.Repository, check=check, writable_member='ph',
                     **dict(group, name='pg' if existing else 'pg2'))
        assert err.value.msg.startswith('writable_member: deploying through a group is a Nexus Pro feature, and this '
                                        'Nexus is the %s edition' % edition)
    assert len(nexus_emulator.writes) == writes
    # without writable_member (or clearing it) nothing asks for the edition
    assert not converge(nexus_repository.Repository, writable_member='', **group)['changed'] and converge.requests == 1


def test_soft_quota_sent_in_bytes(converge, nexus_emulator):
    args = dict(name='quota', type='file', soft_quota={'type': 'space_used', 'limit': '500G'})
    created = converge(BlobStore, **args)
    assert created['blob_store']['soft_quota'] == {'type': 'space_used', 'limit': 500 * 10 ** 9}
    stored = nexus_emulator.blobstores['quota']['config']['softQuota']
    assert stored == {'type': 'spaceUsedQuota', 'limit': 500000000000}  # bytes, not 500000 (MB)
    in_bytes = dict(args, soft_quota={'type': 'space_used', 'limit': 500000000000})
    assert not converge(BlobStore, **in_bytes)['changed']
    binary = converge(BlobStore, **dict(args, soft_quota={'type': 'space_used', 'limit': '500Gi'}))
    assert binary['changed'] and nexus_emulator.blobstores['quota']['config']['softQuota']['limit'] == 500 * 2 ** 30
    # the deprecated limit_mb: megabytes of 10^6 bytes, as the Nexus UI counts them
    legacy = converge(BlobStore, **dict(args, soft_quota={'type': 'space_remaining', 'limit_mb': 51200}))
    assert legacy['blob_store']['soft_quota'] == {'type': 'space_remaining', 'limit': 51200 * 10 ** 6}
    assert 'soft_quota.limit_mb is deprecated' in legacy['deprecations'][0]['msg']
    removed = converge(BlobStore, **dict(args, soft_quota={'type': 'none'}))
    assert removed['changed'] and 'softQuota' not in nexus_emulator.blobstores['quota']['config']


@pytest.mark.parametrize('quota,message', [
    ({'type': 'space_used'}, 'soft_quota.limit is required with soft_quota.type space_used'),
    ({'type': 'space_used', 'limit': '5 gigs'}, "soft_quota.limit: cannot read '5 gigs' as a size"),
    ({'type': 'space_used', 'limit': 0}, 'soft_quota.limit: 0 must be positive'),
    ({'type': 'space_used', 'limit_mb': 0}, 'soft_quota.limit_mb must be a positive number'),
])
def test_soft_quota_bad_input_refused_before_any_request(converge, nexus_emulator, quota, message):
    with pytest.raises(ModuleFailure) as err:
        converge(BlobStore, name='quota', type='file', soft_quota=quota)
    assert err.value.msg.startswith(message) and nexus_emulator.count() == 0


def test_admin_password_variants(converge, nexus_emulator):
    generated = nexus_emulator.admin_password
    with pytest.raises(ModuleFailure) as err:  # neither works
        converge(nexus_admin_password.AdminPassword, password='Desired-1', initial_password='not-it')
    assert 'neither the desired password nor the initial password' in err.value.msg
    result = converge(nexus_admin_password.AdminPassword, password='Desired-1', initial_password=generated)
    assert result['changed'] and nexus_emulator.admin_password == 'Desired-1'
    # already works: nothing read from the (now missing) file, one request
    result = converge(nexus_admin_password.AdminPassword, password='Desired-1',
                      initial_password_file=nexus_emulator.admin_password_file)
    assert not result['changed'] and converge.requests == 1
    with pytest.raises(ModuleFailure) as err:
        converge(nexus_admin_password.AdminPassword, password='Other-2', initial_password_file=nexus_emulator.admin_password_file)
    assert 'Nexus deletes it once the admin password was changed' in err.value.msg
    assert nexus_emulator.writes[0].body == 'Desired-1' and len(nexus_emulator.writes) == 1


def test_a_name_differing_only_in_case_manages_the_existing_repository(converge, nexus_emulator):
    # Nexus keys repositories by lower-case name (RepositoryManagerImpl.track/get): one repository, a warning
    converge(nexus_repository.Repository, **minimal('maven', 'hosted', 'maven-releases'))
    writes = len(nexus_emulator.writes)
    result = converge(nexus_repository.Repository, **minimal('maven', 'hosted', 'Maven-Releases'))
    assert not result['changed'] and result['repository']['name'] == 'maven-releases'
    assert "Nexus repository names ignore case" in result['warnings'][0]
    changed = converge(nexus_repository.Repository, online=False, **minimal('maven', 'hosted', 'Maven-Releases'))
    assert changed['changed'] and nexus_emulator.repository('maven-releases')['online'] is False
    assert len(nexus_emulator.writes) == writes + 1 and len(nexus_emulator.repos) == 1


def test_apt_signing_key_is_write_only(converge, nexus_emulator):
    args = dict(minimal('apt', 'hosted', 'apt-h'), signing_passphrase='pass-1')
    created = converge(nexus_repository.Repository, **args)
    assert nexus_emulator.signing_secret('apt-h') == {'keypair': SIGNING_KEY, 'passphrase': 'pass-1'}
    assert 'signing' not in str(created['repository']) and SIGNING_KEY not in str(created)
    assert not converge(nexus_repository.Repository, **dict(args, signing_passphrase='pass-2'))['changed']
    rotated = converge(nexus_repository.Repository, update_password='always', **dict(args, signing_passphrase='pass-2'))
    assert rotated['changed'] and nexus_emulator.signing_secret('apt-h')['passphrase'] == 'pass-2'
    # a change of another setting carries the key (the PUT replaces the whole configuration)
    converge(nexus_repository.Repository, **dict(args, apt={'distribution': 'trixie'}))
    assert nexus_emulator.signing_secret('apt-h') == {'keypair': SIGNING_KEY, 'passphrase': 'pass-1'}
