"""The logic of nexus_routing_rule, nexus_cleanup_policy, nexus_task, nexus_http_settings and nexus_blobstore's S3
options, run in-process against the Nexus emulator (validated against Nexus 3.94's API description): request
counts in steady state, bad input refused before any request, and the server's refusals as one sentence."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._nexus_blobstore import BlobStore
from ansible_collections.maestro.platform.plugins.module_utils._nexus_cleanup_policy import CleanupPolicy
from ansible_collections.maestro.platform.plugins.module_utils._nexus_http_settings import HttpSettings
from ansible_collections.maestro.platform.plugins.module_utils._nexus_routing_rule import RoutingRule
from ansible_collections.maestro.platform.plugins.module_utils._nexus_task import Task
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from tests.harness.test_nexus_logic import Runner

WEEKLY = {'type': 'weekly', 'start': '2026-01-04T02:00:00Z', 'days': [1]}


@pytest.fixture
def converge(nexus_emulator):
    return Runner(nexus_emulator)


def test_steady_state_costs(converge, nexus_emulator):
    """One read per routing rule, cleanup policy and HTTP settings; a task is found by name, then read by id."""
    nexus_emulator.edition = 'PRO'
    cases = [
        (RoutingRule, {'name': 'rule', 'mode': 'block', 'matchers': ['^/com/example/.*']}, 1),
        (CleanupPolicy, {'name': 'pol', 'format': 'maven',
                         'criteria': {'last_downloaded': 30, 'release_type': 'prereleases'}}, 1),
        (Task, {'name': 'compact', 'type': 'blobstore.compact', 'properties': {'blobstoreName': 'default'},
                'schedule': WEEKLY}, 2),
        (HttpSettings, {'connection_timeout': 30, 'https_proxy': {'host': '10.0.0.1', 'port': 8080}}, 1),
    ]
    for cls, args, reads in cases:
        assert converge(cls, **args)['changed']
        again = converge(cls, **args)
        assert not again['changed'] and converge.requests == reads, cls.__name__
    assert converge(CleanupPolicy, name='pol', format='maven2')['cleanup_policy']['format'] == 'maven'


BAD = [
    (RoutingRule, {'name': 'None', 'mode': 'block', 'matchers': ['x']}, 'not a valid routing rule name'),
    (RoutingRule, {'name': 'r', 'mode': 'block', 'matchers': []}, 'matchers must list at least one'),
    (RoutingRule, {'name': 'r', 'mode': 'block', 'matchers': ['^/com/(']}, 'matchers[0]'),
    (CleanupPolicy, {'name': 'p', 'format': 'npm', 'criteria': {'release_type': 'releases'}},
     'at least one of last_blob_updated'),
    (CleanupPolicy, {'name': 'p', 'format': 'npm', 'criteria': {'last_downloaded': 0}}, 'positive number of days'),
    (CleanupPolicy, {'name': 'p', 'format': 'npm', 'criteria': {'asset_regex': '[a-'}}, 'criteria.asset_regex'),
    (CleanupPolicy, {'name': '_p', 'format': 'npm', 'criteria': {'last_downloaded': 1}}, 'not a valid cleanup'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'daily'}}, 'schedule.start is required'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'daily', 'start': '2026-01-04T02:00:00'}},
     'with its UTC offset'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'weekly', 'start': '2026-01-04T02:00Z', 'days': [8]}},
     'schedule.days [8]'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'monthly', 'start': '2026-01-04T02:00Z'}},
     'schedule.days is required'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'cron', 'cron': '0 0 2 * *'}}, 'Quartz cron'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'cron', 'cron': '0 0 2 * * MON'}}, 'must be "?"'),
    (Task, {'name': 't', 'type': 'x', 'schedule': {'type': 'manual', 'cron': '0 0 2 ? * MON'}},
     'only applies to the cron'),
    (Task, {'name': 't', 'type': 'x', 'enabled': False, 'run_now': True}, 'cannot run a disabled task'),
    (Task, {'name': 't', 'type': 'x', 'properties': {'a': [1]}}, 'properties.a must be a string'),
    (HttpSettings, {'connection_timeout': 0}, 'between 1 and 3600'),
    (HttpSettings, {'http_proxy': {'host': 'http://proxy', 'port': 3128}}, 'without scheme'),
    (HttpSettings, {'http_proxy': {'host': 'proxy', 'port': 70000}}, 'http_proxy.port'),
    (HttpSettings, {'http_proxy': {'enabled': False, 'host': 'proxy'}}, 'has no effect'),
    (HttpSettings, {'non_proxy_hosts': ['a|b']}, 'non_proxy_hosts'),
    (BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt', 'encryption_type': 's3_managed',
                 'encryption_key': 'k'}, 'needs encryption_type=kms_managed'),
    (BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt', 'assume_role': 'nexus'}, 'ARN of an IAM role'),
    (BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt', 'session_token': 't'}, 'needs access_key_id'),
    (BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt', 'max_connection_pool_size': 0}, 'positive number'),
    (BlobStore, {'name': 'b', 'type': 'file', 'signer_type': 'S3SignerType'}, 'only applies to S3'),
]


@pytest.mark.parametrize('cls,args,message', BAD, ids=['%s-%d' % (c[0].__name__, i) for i, c in enumerate(BAD)])
def test_bad_input_is_refused_before_any_request(converge, nexus_emulator, cls, args, message):
    with pytest.raises(ModuleFailure) as failure:
        converge(cls, **args)
    assert message in failure.value.msg
    assert nexus_emulator.log == []


def test_server_refusals_read_as_one_sentence(converge, nexus_emulator):
    # Community does not serve /v1/http
    with pytest.raises(ModuleFailure, match='does not serve the HTTP settings API'):
        converge(HttpSettings, connection_timeout=30)
    # a task type Nexus does not offer: refused after reading the templates, before any write
    with pytest.raises(ModuleFailure, match="type 'db.backup' is not a task type this Nexus offers"):
        converge(Task, name='backup', type='db.backup')
    # Nexus refuses a criterion the format does not support
    with pytest.raises(ModuleFailure, match='Failed to create .*criteriaReleaseType is not supported'):
        converge(CleanupPolicy, name='p', format='all', criteria={'last_downloaded': 9, 'release_type': 'releases'})
    # a proxy repository cannot name a routing rule that does not exist
    with pytest.raises(ModuleFailure, match="routing rule 'nope' does not exist"):
        converge(nexus_repository(), name='p', format='raw', type='proxy', remote_url='https://r.example.com',
                 routing_rule='nope')
    assert nexus_emulator.writes == []


def nexus_repository():
    from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository import Repository
    return Repository


def test_task_found_by_name_and_type_fixed(converge, nexus_emulator):
    args = {'name': 'gc', 'type': 'repository.docker.gc', 'properties': {'repositoryName': 'docker-hosted',
                                                                         'deployOffset': 24}}
    created = converge(Task, **args)['task']
    assert created['properties'] == {'repositoryName': 'docker-hosted', 'deployOffset': '24'}
    with pytest.raises(ModuleFailure, match="Nexus cannot change a task's type"):
        converge(Task, name='gc', type='blobstore.compact')
    converge(Task, name='gc2', type='repository.docker.gc', properties={'repositoryName': 'x'})
    nexus_emulator.tasks[next(iter(t for t in nexus_emulator.tasks if t != created['id']))]['name'] = 'gc'
    with pytest.raises(ModuleFailure, match="2 Nexus tasks are named 'gc'"):
        converge(Task, name='gc', enabled=False)


def test_http_proxy_password_semantics(converge, nexus_emulator):
    nexus_emulator.edition = 'PRO'
    proxy = {'host': 'proxy.example.com', 'port': 3128, 'username': 'u', 'password': 'pw-1'}
    converge(HttpSettings, http_proxy=proxy)
    assert nexus_emulator.http_secret('httpProxy') == 'pw-1'
    # on_create: a new password for the same user is not detectable, nothing is sent
    assert not converge(HttpSettings, http_proxy=dict(proxy, password='pw-2'))['changed']
    assert nexus_emulator.http_secret('httpProxy') == 'pw-1'
    # a new user needs its password; the other settings are kept
    with pytest.raises(ModuleFailure, match='http_proxy.password is required to set http_proxy.username'):
        converge(HttpSettings, http_proxy={'host': 'proxy.example.com', 'port': 3128, 'username': 'v'})
    assert converge(HttpSettings, http_proxy=dict(proxy, password='pw-2'), update_password='always')['changed']
    assert nexus_emulator.http_secret('httpProxy') == 'pw-2'
    # authentication removed
    done = converge(HttpSettings, http_proxy={'host': 'proxy.example.com', 'port': 3128})
    assert done['changed'] and done['http_settings']['http_proxy']['username'] is None
    assert nexus_emulator.http_secret('httpProxy') is None


def test_s3_session_token_is_write_only(converge, nexus_emulator):
    args = {'name': 's3', 'type': 's3', 'bucket': 'nexus-blobs', 'access_key_id': 'ASIA1', 'secret_access_key': 's1',
            'session_token': 't1'}
    converge(BlobStore, **args)
    assert nexus_emulator.blobstore_secret('s3', 'sessionToken') == 't1'
    assert not converge(BlobStore, **dict(args, session_token='t2'))['changed'] and converge.requests == 1
    assert converge(BlobStore, **dict(args, session_token='t2', update_password='always'))['changed']
    assert nexus_emulator.blobstore_secret('s3', 'sessionToken') == 't2'
    assert nexus_emulator.blobstore_secret('s3') == 's1'
    role = converge(BlobStore, name='s3', type='s3', assume_role='arn:aws:iam::123456789012:role/r')
    assert role['changed'] and nexus_emulator.blobstore_secret('s3', 'sessionToken') == 't2'
