"""The storage role's service users on the minio backend: one canned policy per user (its buckets only) and a
user holding only that policy, through MinIO's admin API (the project's spec-checked admin emulator in front
of moto's S3 API, tests/emulators/minio_admin.py). The seaweedfs backend's identities are proven against the
real SeaweedFS in tests/integration/test_dev_platform.py.
"""

import json

from tests.helpers import run_playbook
from tests.servers import S3_KEYS

SECRET = 'Aa1-mlflow-service-secret'


def _vars(minio_server, prefix, **extra):
    values = {
        'minio_backend': 'minio', 'minio_url': minio_server.url,
        'minio_access_key': S3_KEYS['AWS_ACCESS_KEY_ID'], 'minio_secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'],
        'minio_buckets': [{'name': prefix + '-artifacts'}, {'name': prefix + '-datasets'}],
        'minio_service_users': [
            {'name': prefix + '-mlflow', 'secret_key': SECRET, 'buckets': [prefix + '-artifacts']},
            {'name': prefix + '-reader', 'secret_key': SECRET + '-r', 'access': 'readonly',
             'buckets': [prefix + '-artifacts', prefix + '-datasets']},
        ],
    }
    values.update(extra)
    return values


def test_service_users_get_their_own_policy_on_minio(minio_server, prefix):
    extra = _vars(minio_server, prefix)
    first = run_playbook('minio_role.yml', extra_vars=extra)
    assert first.ok, str(first)
    assert SECRET not in first.stdout
    user = minio_server.users[prefix + '-mlflow']
    assert user['policies'] == ['maestro-%s-mlflow' % prefix]
    policy = minio_server.policies['maestro-%s-mlflow' % prefix]['policy']
    policy = json.loads(policy) if isinstance(policy, str) else policy
    resources = sorted(r for s in policy['Statement'] for r in s['Resource'])
    assert resources == ['arn:aws:s3:::%s-artifacts' % prefix, 'arn:aws:s3:::%s-artifacts/*' % prefix]
    reader = json.dumps(minio_server.policies['maestro-%s-reader' % prefix]['policy'])
    assert 's3:PutObject' not in reader and 's3:GetObject' in reader
    again = run_playbook('minio_role.yml', extra_vars=extra)
    assert again.ok and 'changed=0' in again.stdout, str(again)


def test_bad_service_user_stops_in_preflight(minio_server, prefix):
    extra = _vars(minio_server, prefix, minio_service_users=[{'name': prefix + '-dvc', 'secret_key': 'short',
                                                              'buckets': [prefix + '-datasets']}])
    proc = run_playbook('minio_role.yml', extra_vars=extra)
    assert not proc.ok
    assert 'minio_service_users[0] (%s-dvc) needs name' % prefix in ' '.join(proc.stdout.split())
    assert 'short' not in proc.stdout.replace('shorter', '')
    assert not any(u.startswith(prefix) for u in minio_server.users)


def test_configure_phase_alone(minio_server, prefix):  # noqa: F811
    """`--tags minio_configure` runs the configure phase without the install phase: with minio_install: true (a
    role that installs its container) no install task runs (there is no Docker engine here: one would fail),
    the preflight still checks the inputs, and the buckets and service users come from variables alone."""
    extra = _vars(minio_server, prefix, minio_install=True, minio_root_user='maestro-root',
                  minio_root_password='Aa1-root-password')
    proc = run_playbook('minio_role.yml', extra_vars=extra, tags='minio_configure')
    assert proc.ok, str(proc)
    assert 'Preflight |' in proc.stdout and 'Configure |' in proc.stdout
    assert 'Install |' not in proc.stdout and 'Verify |' not in proc.stdout
    assert minio_server.users[prefix + '-reader']['policies'] == ['maestro-%s-reader' % prefix]
    buckets = run_playbook('minio_role.yml', extra_vars=extra, tags='minio_verify')
    assert buckets.ok and 'Verify | Every bucket is there' in buckets.stdout, str(buckets)
    assert 'Configure |' not in buckets.stdout and 'Install |' not in buckets.stdout
