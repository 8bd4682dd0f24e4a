"""Fixtures of the minio_* and dvc_* tests (imported by their test files; tests/conftest.py is the lead's).

``minio_server``: the project's MinIO admin API emulator (tests/emulators/minio_admin.py) in front of the
session's real S3 server (moto, ``s3_server``): one endpoint serving the S3 API (forwarded to moto) and
/minio/admin/v3 (emulated), like a MinIO server. Its root account is moto's test key pair.
"""

import pytest

from tests.emulators.minio_admin import MinioAdminEmulator
from tests.servers import S3_KEYS


@pytest.fixture(scope='session')
def minio_server(s3_server):
    emulator = MinioAdminEmulator(s3_server.url, S3_KEYS['AWS_ACCESS_KEY_ID'], S3_KEYS['AWS_SECRET_ACCESS_KEY'])
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def minio_vars(minio_server, prefix):
    """Extra vars of the minio playbooks: connection to the emulated MinIO and a random prefix."""
    return {'endpoint_url': minio_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
            'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'prefix': prefix}
