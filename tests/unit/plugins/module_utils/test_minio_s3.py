"""Unit tests of plugins/module_utils/_s3.py, _s3_policy.py, _minio_admin.py, _minio_crypto.py and the
lifecycle helpers of _minio_bucket_rules.py: S3 naming rules, policies as data, sizes, SigV4 (checked against
botocore's signer) and MinIO's admin payload encryption (checked against minio-py's minio/crypto.py; against the
emulator's independent pycryptodome implementation in tests/harness/test_minio_admin_emulator.py)."""

import datetime
import io
import json

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ansible_collections.maestro.platform.plugins.module_utils import _minio_admin
from ansible_collections.maestro.platform.plugins.module_utils import _minio_crypto
from ansible_collections.maestro.platform.plugins.module_utils import _s3
from ansible_collections.maestro.platform.plugins.module_utils import _s3_policy
from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_rules import (
    _rule_from_s3,
    _rule_to_s3,
    check_lifecycle_rules,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


@pytest.mark.parametrize('name', ['abc', 'mlflow-artifacts', 'dvc.storage.2024', 'a' * 63, '1bucket'])
def test_valid_bucket_names(name):
    assert _s3.bucket_name_problem(name) is None


@pytest.mark.parametrize('name,reason', [
    ('ab', '3 to 63'), ('a' * 64, '3 to 63'), ('Upper', 'lower-case'), ('under_score', 'lower-case'),
    ('-dash', 'starts and ends'), ('dash-', 'starts and ends'), ('two..dots', 'adjacent dots'),
    ('10.0.0.1', 'IP address'), ('xn--abc', "prefix 'xn--'"), ('sthree-x', "prefix 'sthree-'"),
    ('data-s3alias', "suffix '-s3alias'"), ('data--ol-s3', "suffix '--ol-s3'"), ('', 'required'),
])
def test_invalid_bucket_names(name, reason):
    assert reason in _s3.bucket_name_problem(name)


POLICY = {'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'AWS': ['*']}, 'Action': ['s3:GetObject', 's3:ListBucket'],
     'Resource': ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']},
    {'Effect': 'Deny', 'Principal': '*', 'Action': 's3:DeleteObject', 'Resource': 'arn:aws:s3:::b/*',
     'Condition': {'StringNotEquals': {'aws:username': 'admin'}}}]}


def test_policies_are_compared_as_data():
    reordered = {'Statement': [
        {'Resource': 'arn:aws:s3:::b/*', 'Condition': {'StringNotEquals': {'aws:username': ['admin']}},
         'Action': ['s3:DeleteObject'], 'Principal': {'AWS': '*'}, 'Effect': 'Deny'},
        {'Action': ['s3:ListBucket', 's3:GetObject', 's3:GetObject'], 'Effect': 'Allow', 'Principal': '*',
         'Resource': ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'], 'Sid': ''}], 'Version': '2012-10-17'}
    assert (_s3.canonical_json(_s3_policy.normalise_policy(reordered))
            == _s3.canonical_json(_s3_policy.normalise_policy(POLICY)))
    changed = json.loads(json.dumps(POLICY))
    changed['Statement'][0]['Action'].append('s3:PutObject')
    assert _s3_policy.normalise_policy(changed) != _s3_policy.normalise_policy(POLICY)


@pytest.mark.parametrize('doc,message', [
    ('{"Version": "2012-10-17", "Statement": [', 'not valid JSON'),
    (['not', 'a', 'mapping'], 'must be a policy document'),
    # issue 17 item 13: a list used to be reported by its Python type name (_AnsibleTaggedList in a playbook)
    ([{'Effect': 'Allow'}], 'a mapping with Version and Statement, or the same as a JSON string, got a list (the '
                            'list of statements goes under Statement)'),
    (42, 'got a number'),
    ({'Version': '2012-10-17', 'Statement': []}, 'non-empty list'),
    ({'Version': '2012-10-17', 'Statment': []}, "unknown top-level key(s) Statment"),
    ({'Version': '2020-01-01', 'Statement': [{}]}, "Version must be '2012-10-17'"),
    ({'Statement': [{'Effect': 'Permit', 'Action': 's3:*', 'Resource': '*'}]}, "Effect must be"),
    ({'Statement': [{'Effect': 'Allow', 'Resource': '*'}]}, 'exactly one of Action or NotAction'),
    ({'Statement': [{'Effect': 'Allow', 'Action': 's3:*'}]}, 'exactly one of Resource or NotResource'),
    ({'Statement': [{'Effect': 'Allow', 'Action': 'GetObject', 'Resource': '*'}]}, "not 'service:action'"),
    ({'Statement': [{'Effect': 'Allow', 'Action': [], 'Resource': '*'}]}, 'non-empty string or list'),
    ({'Statement': [{'Effect': 'Allow', 'Actions': 's3:*', 'Resource': '*'}]}, 'unknown key(s) Actions'),
])
def test_malformed_policies_name_the_field(doc, message):
    with pytest.raises(ModuleFailure) as err:
        _s3_policy.parse_policy(doc)
    assert err.value.msg.startswith('policy')
    assert message in err.value.msg


def test_bucket_policies_need_a_principal():
    with pytest.raises(ModuleFailure, match='needs a Principal'):
        _s3_policy.parse_policy({'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]},
                                bucket_policy=True)


def test_canned_bucket_policies():
    assert _s3_policy.canned_bucket_policy('private', 'b') is None
    public = _s3_policy.normalise_policy(_s3_policy.canned_bucket_policy('public', 'b'))
    actions = set(a for s in public['Statement'] for a in s['Action'])
    assert {'s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject'} <= actions
    _s3_policy.parse_policy(_s3_policy.canned_bucket_policy('download', 'b'), bucket_policy=True)


@pytest.mark.parametrize('value,size', [(0, 0), (1024, 1024), ('1KiB', 1024), ('10GiB', 10 * 1024 ** 3),
                                        ('500MB', 500 * 1000 ** 2), ('1.5 GB', 1500 * 1000 ** 2), ('2tib', 2 * 1024 ** 4)])
def test_sizes(value, size):
    assert _s3.parse_size(value, 'quota') == size


@pytest.mark.parametrize('value', ['10 parsecs', '-1', -5, True, 'GiB'])
def test_bad_sizes(value):
    with pytest.raises(ModuleFailure, match='^quota'):
        _s3.parse_size(value, 'quota')


@pytest.mark.parametrize('method,query,body', [
    ('GET', {'accessKey': 'alice'}, None),
    ('PUT', {'name': 'a policy/with spaces'}, b'{"Version": "2012-10-17"}'),
    ('POST', None, b'\x00\x01binary'),
    ('PUT', {'accessKey': 'x', 'status': 'enabled'}, None),
])
def test_sigv4_matches_botocore(method, query, body):
    now = datetime.datetime(2026, 11, 26, 10, 0, 0, tzinfo=datetime.timezone.utc)
    path = '/minio/admin/v3/' + ('add-canned-policy' if query and 'name' in query else 'user-info')
    qs = _minio_admin.canonical_query(query)
    headers = _minio_admin.sigv4_headers(method, 'minio.example.com:9000', path, qs, body, 'AKID', 'secret/key+x',
                                         'us-east-1', session_token='tok', now=now)
    request = AWSRequest(method=method, url='http://minio.example.com:9000%s%s' % (path, ('?' + qs) if qs else ''),
                         data=body or b'', headers={'X-Amz-Date': headers['X-Amz-Date'],
                                                    'X-Amz-Content-Sha256': headers['X-Amz-Content-Sha256'],
                                                    'X-Amz-Security-Token': 'tok'})
    request.context['timestamp'] = headers['X-Amz-Date']
    signer = S3SigV4Auth(Credentials('AKID', 'secret/key+x', 'tok'), 's3', 'us-east-1')
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    assert headers['Authorization'].endswith('Signature=' + expected)
    assert 'Credential=AKID/20261126/us-east-1/s3/aws4_request' in headers['Authorization']


def test_payloads_interoperate_with_minio_py():
    crypto = pytest.importorskip('minio.crypto')

    class Response(io.BytesIO):  # minio-py decrypts from a urllib3 response
        def stream(self, amt):
            while True:
                chunk = self.read(amt)
                if not chunk:
                    return
                yield chunk

        def release_conn(self):
            pass

    data = json.dumps({'secretKey': 'x' * 20, 'status': 'enabled', 'pad': 'y' * 20000}).encode()
    assert crypto.decrypt(Response(_minio_crypto.encrypt_payload(data, 'admin-secret')), 'admin-secret') == data
    assert _minio_crypto.decrypt_payload(crypto.encrypt(data, 'admin-secret'), 'admin-secret') == data


def test_wrong_secret_or_tampering_is_detected():
    blob = bytearray(_minio_crypto.encrypt_payload(b'{"secretKey": "abcdefgh"}', 'right-secret'))
    with pytest.raises(_minio_crypto.PayloadError, match='wrong secret key'):
        _minio_crypto.decrypt_payload(bytes(blob), 'wrong-secret')
    blob[-1] ^= 1
    with pytest.raises(_minio_crypto.PayloadError):
        _minio_crypto.decrypt_payload(bytes(blob), 'right-secret')
    with pytest.raises(_minio_crypto.PayloadError, match='too short'):
        _minio_crypto.decrypt_payload(b'\x00' * 20, 'right-secret')


def test_admin_errors_carry_minio_codes():
    from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
    err = _minio_admin.admin_error(ApiError('raw', status=404, body={'Code': 'XMinioAdminNoSuchUser',
                                                                     'Message': 'The specified user does not exist.'}))
    assert err.error_code == 'XMinioAdminNoSuchUser'
    assert str(err.message) == 'XMinioAdminNoSuchUser: The specified user does not exist.'
    plain = _minio_admin.admin_error(ApiError('<Error>NoSuchBucket</Error>', status=404, body=None))
    assert plain.error_code == _minio_admin.NOT_MINIO and 'is not a MinIO server' in plain.message


def test_an_s3_server_answering_the_admin_api_is_named_in_one_sentence():
    """Issue 17 item 13: a non-MinIO server's XML answer used to reach the user raw (and a 404 NoSuchBucket read
    as "no such user", so minio_user went on to PUT its add-user payload as an object)."""
    from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
    xml = ('<?xml version="1.0" encoding="UTF-8"?> <Error><Code>NoSuchBucket</Code><Message>The specified bucket '
           'does not exist</Message><Resource>/minio/admin/v3/user-info</Resource></Error>')
    err = _minio_admin.admin_error(
        ApiError(xml, status=404, method='GET', url='/minio/admin/v3/user-info?accessKey=ci'), 'http://127.0.0.1:8333')
    assert err.message == (
        'http://127.0.0.1:8333 is not a MinIO server: it answered the MinIO admin API call GET '
        '/minio/admin/v3/user-info with an S3 error in XML (404 NoSuchBucket: The specified bucket does not exist), '
        'as AWS S3, SeaweedFS and other S3 servers do; users, canned policies and bucket quotas need MinIO')
    assert '<' not in err.message


@pytest.mark.parametrize('rules,message', [
    ([{'id': 'x'}], 'needs an action'),
    ([{'id': 'a', 'expiration_days': 1}, {'id': 'a', 'expiration_days': 2}], 'unique'),
    ([{'id': 'x', 'expiration_days': 0}], 'positive'),
    ([{'id': 'x', 'expiration_days': 1, 'expiration_date': '2030-01-01'}], 'only one of'),
    ([{'id': 'x', 'expiration_date': '2030/01/01'}], 'YYYY-MM-DD'),
    ([{'id': 'x', 'tags': {'a': 'b'}, 'expired_object_delete_marker': True}], 'tags filter'),
    ([{'id': 'x', 'noncurrent_versions_to_keep': 2}], 'needs noncurrent_version_expiration_days'),
    ([{'id': '', 'expiration_days': 1}], '1 to 255'),
])
def test_bad_lifecycle_rules(rules, message):
    full = [dict({'status': 'enabled'}, **r) for r in rules]
    with pytest.raises(ModuleFailure, match='^lifecycle_rules') as err:
        check_lifecycle_rules(full)
    assert message in err.value.msg


def test_lifecycle_rules_round_trip_through_the_s3_shape():
    rules = check_lifecycle_rules([
        {'id': 'b', 'status': 'enabled', 'prefix': 'tmp/', 'tags': {'k': 'v', 'x': 'y'}, 'expiration_days': 3},
        {'id': 'a', 'status': 'disabled', 'expiration_date': '2030-01-01', 'noncurrent_version_expiration_days': 5,
         'noncurrent_versions_to_keep': 2},
        {'id': 'c', 'status': 'enabled', 'tags': {'k': 'v'}, 'expired_object_delete_marker': False,
         'noncurrent_version_expiration_days': 1},
    ])
    assert [r['id'] for r in rules] == ['a', 'b', 'c']
    back = [_rule_from_s3(_rule_to_s3(r)) for r in rules]
    assert back == rules


def test_s3_errors_become_one_sentence():
    """A botocore ClientError on any write ends the task with 'Failed to <verb> bucket <name>: <code>: <message>'."""
    from botocore.stub import Stubber

    from ansible_collections.maestro.platform.plugins.module_utils._minio import S3Connection
    from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket

    params = dict((k, None) for k in Bucket.argument_spec())
    params.update(name='data-bucket', state='present', versioning='enabled', purge_tags=False, force=False,
                  validate_certs=True, timeout=30, access_key='AKID', secret_key='secret', region='us-east-1',
                  endpoint_url='http://127.0.0.1:9')
    conn = S3Connection(params, None)
    stub = Stubber(conn.s3)
    stub.add_response('get_bucket_versioning', {}, {'Bucket': 'data-bucket'})
    stub.add_client_error('put_bucket_versioning', service_error_code='AccessDenied', service_message='Access Denied',
                          http_status_code=403)
    with stub, pytest.raises(ModuleFailure) as err:
        Bucket(params, conn).execute()
    assert err.value.msg == 'Failed to set versioning on bucket data-bucket: AccessDenied: Access Denied'


def test_one_error_mapping_for_boto3_and_the_admin_api():
    """_s3.storage_call: 'does not exist' codes (or an admin answer's HTTP status) -> None, a code with its own
    sentence -> that sentence, anything else -> 'Failed to <verb> <what>: ...' with the server's error code only
    when it gave one."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError

    def raises(exc):
        def call(*args, **kwargs):
            raise exc
        return call

    missing = ClientError({'Error': {'Code': 'NoSuchTagSet', 'Message': 'none'}}, 'GetBucketTagging')
    assert _s3.storage_call('read tags of', 'bucket b', raises(missing), absent=('NoSuchTagSet',)) is None
    assert _s3.storage_call('read', "MinIO user 'u'", raises(ApiError('gone', status=404)), absent=('404',)) is None
    denied = ClientError({'Error': {'Code': 'AccessDenied', 'Message': 'Access Denied'}}, 'PutBucketTagging')
    with pytest.raises(ModuleFailure) as err:
        _s3.storage_call('tag', 'bucket b', raises(denied), absent=('NoSuchTagSet',))
    assert (err.value.msg, err.value.extra) == ('Failed to tag bucket b: AccessDenied: Access Denied',
                                                {'error_code': 'AccessDenied'})
    in_use = ApiError('XMinioAdminPolicyInUse: in use', status=400, error_code='XMinioAdminPolicyInUse')
    with pytest.raises(ModuleFailure) as err:
        _s3.storage_call('delete', 'p', raises(in_use), messages={'XMinioAdminPolicyInUse': 'detach it first'})
    assert (err.value.msg, err.value.extra) == ('detach it first',
                                                {'status': 400, 'error_code': 'XMinioAdminPolicyInUse'})
    with pytest.raises(ModuleFailure) as err:
        _s3.storage_call('read', 'p', raises(ApiError('Internal error', status=500)), absent=('404',))
    assert (err.value.msg, err.value.extra) == ('Failed to read p: Internal error', {'status': 500})
    with pytest.raises(ModuleFailure) as err, _s3.storage_errors('empty', 'bucket b'):
        raise EndpointConnectionError(endpoint_url='http://127.0.0.1:9')
    assert err.value.msg.startswith('Failed to empty bucket b: Could not connect') and err.value.extra == {}


def test_a_connection_error_while_deleting_a_bucket_is_one_sentence():
    """Before the one error mapping, a BotoCoreError from delete_bucket escaped as an unhandled exception."""
    from botocore.exceptions import EndpointConnectionError
    from botocore.stub import Stubber

    bucket, s3 = _bucket(name='gone-bucket', state='absent', force=False)
    stub = Stubber(s3)
    stub.add_response('head_bucket', {}, {'Bucket': 'gone-bucket'})
    stub.add_response('list_object_versions', {}, {'Bucket': 'gone-bucket', 'MaxKeys': 1})

    def unreachable(**kwargs):
        raise EndpointConnectionError(endpoint_url='http://127.0.0.1:9')

    s3.delete_bucket = unreachable
    with stub, pytest.raises(ModuleFailure) as err:
        bucket.execute()
    assert err.value.msg.startswith('Failed to delete bucket gone-bucket: Could not connect'), err.value.msg


def test_aws_mode_without_endpoint():
    """No endpoint_url: AWS S3's regional endpoint, virtual-host addressing, LocationConstraint outside us-east-1,
    object lock asked at creation. No network: botocore's Stubber checks each request's parameters."""
    from botocore.stub import Stubber

    from ansible_collections.maestro.platform.plugins.module_utils._minio import S3Connection
    from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket

    params = dict((k, None) for k in Bucket.argument_spec())
    lock = {'enabled': True, 'mode': None, 'days': None, 'years': None}
    params.update(name='prod-backups', state='present', object_lock=lock, purge_tags=False, force=False,
                  validate_certs=True, timeout=30, access_key='AKID', secret_key='secret', region='eu-central-1')
    conn = S3Connection(params, None)
    assert not conn.is_minio
    assert conn.s3.meta.endpoint_url == 'https://s3.eu-central-1.amazonaws.com'
    stub = Stubber(conn.s3)
    stub.add_client_error('head_bucket', service_error_code='404', http_status_code=404)
    stub.add_response('create_bucket', {}, {'Bucket': 'prod-backups', 'ObjectLockEnabledForBucket': True,
                                            'CreateBucketConfiguration': {'LocationConstraint': 'eu-central-1'}})
    stub.add_response('head_bucket', {}, {'Bucket': 'prod-backups'})
    stub.add_response('get_object_lock_configuration',
                      {'ObjectLockConfiguration': {'ObjectLockEnabled': 'Enabled'}}, {'Bucket': 'prod-backups'})
    with stub:
        result = Bucket(params, conn).execute()
    stub.assert_no_pending_responses()
    assert result['changed'] and result['bucket']['object_lock']['enabled'] is True


def test_missing_libraries_are_named(monkeypatch):
    monkeypatch.setattr(_s3, 'HAS_BOTO3', False)
    with pytest.raises(ModuleFailure, match='boto3'):
        _s3.s3_client({'endpoint_url': None})
    monkeypatch.setattr(_minio_crypto, 'HAS_ARGON2', False)
    monkeypatch.setattr(_minio_crypto, '_KEYS', {})
    with pytest.raises(ModuleFailure, match='argon2-cffi'):
        _minio_crypto.encrypt_payload(b'{}', 'secret-key')


def _bucket(**args):
    """A Bucket operation on a boto3 client that botocore's Stubber answers (no network), arguments validated
    with the module's own argument spec as both execution paths do."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    from ansible_collections.maestro.platform.plugins.module_utils._minio import S3Connection
    from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket

    check = args.pop('check', False)
    args = dict(dict(access_key='AKID', secret_key='secret', region='us-east-1', endpoint_url='http://127.0.0.1:9'),
                **args)
    validated = ArgumentSpecValidator(Bucket.argument_spec(), **Bucket.module_kwargs).validate(args)
    assert not validated.error_messages, validated.error_messages
    params = validated.validated_parameters
    conn = S3Connection(params, None)
    return Bucket(params, conn, check, True), conn.s3


@pytest.mark.parametrize('check', [True, False])
def test_absent_without_force_refuses_a_bucket_with_objects_in_both_modes(check):
    """Issue 17 item 12: check mode predicted changed=true where the real run fails. Both now check for object
    versions first (the real run also because SeaweedFS would delete a non-empty bucket with its objects)."""
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='full-bucket', state='absent', check=check)
    stub = Stubber(s3)
    stub.add_response('head_bucket', {}, {'Bucket': 'full-bucket'})
    stub.add_response('list_object_versions', {'Versions': [{'Key': 'data.csv', 'VersionId': 'v1'}]},
                      {'Bucket': 'full-bucket', 'MaxKeys': 1})
    with stub, pytest.raises(ModuleFailure) as err:
        bucket.execute()
    stub.assert_no_pending_responses()  # no delete_bucket was sent
    assert 'BucketNotEmpty' in err.value.msg and 'force=true' in err.value.msg


def test_absent_without_force_on_an_empty_bucket_is_predicted_and_done():
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='empty-bucket', state='absent', check=True)
    stub = Stubber(s3)
    stub.add_response('head_bucket', {}, {'Bucket': 'empty-bucket'})
    stub.add_response('list_object_versions', {}, {'Bucket': 'empty-bucket', 'MaxKeys': 1})
    with stub:
        assert bucket.execute()['changed'] is True


KEEP_3 = [{'id': 'old', 'noncurrent_version_expiration_days': 30, 'noncurrent_versions_to_keep': 3}]
MOTO_RULES = {'Rules': [{'ID': 'old', 'Status': 'Enabled', 'Filter': {'Prefix': ''},
                         'NoncurrentVersionExpiration': {'NoncurrentDays': 30}}]}


@pytest.fixture
def quick_rechecks(monkeypatch):
    from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket
    monkeypatch.setattr(Bucket, 'KEPT_RECHECKS', (0,))


def _read_back(stub, rules):
    stub.add_response('head_bucket', {}, {'Bucket': 'data-bucket'})
    stub.add_response('get_bucket_lifecycle_configuration', rules, {'Bucket': 'data-bucket'})


def test_a_setting_the_server_drops_is_a_warning_not_a_change_on_every_run(quick_rechecks):
    """Issue 17 item 12: moto accepts NewerNoncurrentVersions and drops it; every run wrote it again and
    reported changed. Now: written once more, read back unchanged (twice: not a propagation delay) ->
    changed=false and a warning naming it."""
    from botocore.stub import ANY, Stubber
    bucket, s3 = _bucket(name='data-bucket', lifecycle_rules=KEEP_3)
    stub = Stubber(s3)
    _read_back(stub, MOTO_RULES)
    stub.add_response('put_bucket_lifecycle_configuration', {}, {'Bucket': 'data-bucket', 'LifecycleConfiguration': ANY})
    _read_back(stub, MOTO_RULES)
    _read_back(stub, MOTO_RULES)
    with stub:
        result = bucket.execute()
    stub.assert_no_pending_responses()
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after']
    assert len(result['warnings']) == 1
    assert "did not keep noncurrent_versions_to_keep of rule 'old'" in result['warnings'][0]


def test_a_dropped_setting_among_real_changes_is_a_change_and_a_warning(quick_rechecks):
    from botocore.stub import ANY, Stubber
    bucket, s3 = _bucket(name='data-bucket', lifecycle_rules=KEEP_3 + [
        {'id': 'abort', 'abort_incomplete_multipart_upload_days': 7}])
    stub = Stubber(s3)
    _read_back(stub, MOTO_RULES)
    stub.add_response('put_bucket_lifecycle_configuration', {}, {'Bucket': 'data-bucket', 'LifecycleConfiguration': ANY})
    both = {'Rules': MOTO_RULES['Rules'] + [{'ID': 'abort', 'Status': 'Enabled', 'Filter': {'Prefix': ''},
                                             'AbortIncompleteMultipartUpload': {'DaysAfterInitiation': 7}}]}
    _read_back(stub, both)
    _read_back(stub, both)
    with stub:
        result = bucket.execute()
    assert result['changed'] is True
    assert "noncurrent_versions_to_keep of rule 'old'" in result['warnings'][0]


def test_a_setting_that_propagates_late_is_a_change_without_warning(quick_rechecks):
    """AWS S3 applies bucket configuration eventually: a first read-back may still show the old rules."""
    from botocore.stub import ANY, Stubber
    bucket, s3 = _bucket(name='data-bucket', lifecycle_rules=KEEP_3)
    stub = Stubber(s3)
    _read_back(stub, MOTO_RULES)
    stub.add_response('put_bucket_lifecycle_configuration', {}, {'Bucket': 'data-bucket', 'LifecycleConfiguration': ANY})
    _read_back(stub, MOTO_RULES)  # not yet
    kept = json.loads(json.dumps(MOTO_RULES))
    kept['Rules'][0]['NoncurrentVersionExpiration']['NewerNoncurrentVersions'] = 3
    _read_back(stub, kept)
    with stub:
        result = bucket.execute()
    assert result['changed'] is True and 'warnings' not in result
    assert result['bucket']['lifecycle_rules'][0]['noncurrent_versions_to_keep'] == 3


@pytest.mark.parametrize('code,says', [
    ('SignatureDoesNotMatch', 'the secret key does not match the access key; check secret_key'),
    ('InvalidAccessKeyId', 'the server does not know this access key; check access_key'),
])
def test_wrong_credentials_are_named_even_when_head_bucket_says_only_403(code, says):
    """Issue 17 item 13: HEAD answers have no body, so a wrong secret looked like "the bucket exists but these
    credentials cannot read it". A GET of the same bucket names the code."""
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='data-bucket', tags={'a': 'b'})
    stub = Stubber(s3)
    stub.add_client_error('head_bucket', service_error_code='403', http_status_code=403)
    stub.add_client_error('get_bucket_location', service_error_code=code, http_status_code=403)
    with stub, pytest.raises(ModuleFailure) as err:
        bucket.execute()
    assert err.value.msg == 'Failed to read bucket data-bucket: the server refused these credentials (%s): %s' % (
        code, says)


def test_a_bare_403_that_is_not_about_credentials_keeps_its_sentence():
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='data-bucket', tags={'a': 'b'})
    stub = Stubber(s3)
    stub.add_client_error('head_bucket', service_error_code='403', http_status_code=403)
    stub.add_client_error('get_bucket_location', service_error_code='AccessDenied', http_status_code=403)
    with stub, pytest.raises(ModuleFailure, match='the bucket exists but these credentials cannot read it'):
        bucket.execute()


@pytest.mark.parametrize('value,state', [(True, 'enabled'), (False, 'suspended'), ('enabled', 'enabled'),
                                         ('suspended', 'suspended'), ('true', 'enabled'), ('no', 'suspended')])
def test_versioning_takes_amazon_aws_booleans(value, state):
    """Issue 18: amazon.aws.s3_bucket takes versioning: true/false; so does minio_bucket."""
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='data-bucket', versioning=value, check=True)
    stub = Stubber(s3)
    stub.add_response('get_bucket_versioning', {'Status': 'Enabled'}, {'Bucket': 'data-bucket'})
    with stub:
        result = bucket.execute()
    assert result['bucket']['versioning'] == state
    assert result['changed'] is (state != 'enabled')


@pytest.mark.parametrize('value', ['on-demand', ['enabled'], 2])
def test_versioning_refuses_other_values(value):
    bucket = _bucket(name='data-bucket', versioning=value)[0]
    with pytest.raises(ModuleFailure, match='^versioning must be enabled or suspended'):
        bucket.execute()


def test_amazon_aws_option_names_are_accepted():
    """Issue 18: the connection aliases of amazon.aws (aws_access_key, aws_secret_key, aws_endpoint_url) and
    its tags alias resource_tags."""
    from botocore.stub import Stubber
    bucket, s3 = _bucket(name='data-bucket', resource_tags={'team': 'ml'}, check=True, aws_endpoint_url='http://127.0.0.1:9')
    stub = Stubber(s3)
    stub.add_response('head_bucket', {}, {'Bucket': 'data-bucket'})
    stub.add_response('get_bucket_tagging', {'TagSet': []}, {'Bucket': 'data-bucket'})
    with stub:
        assert bucket.execute()['bucket']['tags'] == {'team': 'ml'}
