"""minio_* modules through real ansible-playbook runs, in both execution modes (in-process action plugins
and ordinary modules), against a real S3 API (moto server) behind the project's MinIO admin API emulator
(tests/emulators/minio_admin.py: S3 calls are forwarded to moto, admin calls are emulated, signature
checked and payloads decrypted the way MinIO does).

moto versus MinIO: the differences that matter here
- moto does not serve MinIO's admin API (/minio/admin/v3): users, canned policies and quotas run against
  the emulator, which re-serialises canned policies the way MinIO does (sorted action/resource lists).
- moto stores bucket policies verbatim and returns them as sent; MinIO re-serialises them (its own key
  order, single values as lists). The module compares normalised documents; both shapes are tested
  (a reordered document written straight to moto below, MinIO's re-serialisation in the emulator).
- moto drops NewerNoncurrentVersions (noncurrent_versions_to_keep) from lifecycle rules; MinIO keeps it.
  The rhythm playbooks therefore do not use it (a second run would always differ on moto).
- moto accepts default encryption AES256 without a KMS; MinIO needs a KMS (KES) configured for any
  bucket encryption and otherwise answers an error, which the module reports as one sentence.
- moto accepts any credentials on the S3 API (no signature check); MinIO checks every signature. Only the
  admin API calls are signature-checked here (by the emulator).
- Object lock on an existing bucket: moto answers "Bucket needs to be empty", MinIO and AWS 409
  InvalidBucketState; the module refuses before sending anything, so the difference never shows.
"""

import json

import pytest

from tests.emulators.minio_admin import MinioAdminEmulator
from tests.helpers import run_playbook
from tests.integration.conftest_minio import minio_server, minio_vars  # noqa: F401  # pylint: disable=unused-import
from tests.servers import S3_KEYS, MotoS3

MODES = ['controller', 'module']


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('playbook', ['minio_bucket.yml', 'minio_user_policy.yml'])
def test_rhythm(minio_vars, minio_server, mode, playbook):
    before = len(minio_server.signature_failures)
    result = run_playbook(playbook, extra_vars=dict(minio_vars, maestro_platform_execution=mode))
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
    # the secret probe of minio_user is the only request that may be refused for its signature
    assert all(f[1].endswith('accountinfo') for f in minio_server.signature_failures[before:])


@pytest.mark.parametrize('mode', MODES)
def test_bad_input_is_rejected_before_any_request(minio_vars, minio_server, mode):
    minio_server.requests.clear()
    result = run_playbook('minio_bad_input.yml', extra_vars=dict(minio_vars, maestro_platform_execution=mode))
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
    assert sum(minio_server.requests.values()) == 0, minio_server.requests


def test_policy_reordered_by_the_server_is_no_change(s3_server, minio_vars):
    """A policy stored in another shape (key order, scalars, statement order) than the task's is equal."""
    bucket = '%s-reordered' % minio_vars['prefix']
    s3 = s3_server.client()
    s3.create_bucket(Bucket=bucket)
    stored = {'Statement': [
        {'Resource': 'arn:aws:s3:::%s/*' % bucket, 'Action': 's3:GetObject', 'Principal': '*', 'Effect': 'Allow'},
        {'Resource': ['arn:aws:s3:::%s' % bucket], 'Effect': 'Allow', 'Principal': {'AWS': '*'},
         'Action': ['s3:ListBucket', 's3:GetBucketLocation']}], 'Version': '2012-10-17'}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(stored))
    try:
        result = run_playbook('minio_policy_as_data.yml', extra_vars=dict(minio_vars, bucket=bucket))
        assert result.ok, str(result)
        assert 'changed=0' in result.stdout
        assert json.loads(s3.get_bucket_policy(Bucket=bucket)['Policy']) == stored  # nothing rewritten
    finally:
        s3.delete_bucket_policy(Bucket=bucket)
        s3.delete_bucket(Bucket=bucket)


def test_platform_buckets_converge_and_are_idempotent():
    """The platform guide's buckets, with their exact names on a server of their own (the session's S3
    server already has an mlflow-artifacts bucket): a first run creates them, a second changes nothing."""
    server = MotoS3().start()
    emulator = MinioAdminEmulator(server.url, S3_KEYS['AWS_ACCESS_KEY_ID'], S3_KEYS['AWS_SECRET_ACCESS_KEY'])
    emulator.start()
    extra = {'endpoint_url': emulator.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
             'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY']}
    try:
        first = run_playbook('minio_platform_buckets.yml', extra_vars=extra)
        assert first.ok, str(first)
        assert 'changed=1' in first.stdout
        names = sorted(b['Name'] for b in server.client().list_buckets()['Buckets'])
        assert names == ['backups', 'dvc-storage', 'harbor-registry', 'mlflow-artifacts', 'nexus-blobs']
        retention = server.client().get_object_lock_configuration(Bucket='backups')['ObjectLockConfiguration'][
            'Rule']['DefaultRetention']
        assert (retention['Mode'], retention['Days']) == ('GOVERNANCE', 30)  # moto also reports Years: 0
        assert emulator.quotas['harbor-registry']['size'] == 1024 ** 4
        emulator.requests.clear()
        second = run_playbook('minio_platform_buckets.yml', extra_vars=extra)
        assert second.ok, str(second)
        assert 'changed=0' in second.stdout and 'failed=0' in second.stdout
        writes = dict((k, n) for k, n in emulator.requests.items() if not k.split()[1] in ('GET', 'HEAD'))
        assert writes == {}, writes  # neither S3 nor admin writes on the second run
        gone = run_playbook('minio_platform_buckets.yml', extra_vars=dict(extra, platform_state='absent'))
        assert gone.ok, str(gone)
        assert server.client().list_buckets()['Buckets'] == []
    finally:
        emulator.stop()
        server.stop()
