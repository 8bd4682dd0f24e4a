"""The one registry of the fixtures the pytest suite shares, loaded for every pytest run by pytest.ini
(`-p tests.shared_fixtures`). Test files never import fixtures: they name them.

- here: the real servers, started once per session (s3_server: moto; seaweedfs_server; mlflow_server;
  postgres_server), minio_server / minio_vars (the MinIO admin emulator in front of moto) and prefix;
- pytest_plugins below: the spec-validated API emulators, harbor_server / harbor_emulator
  (tests/emulators/fixtures.py) and nexus_server / nexus_emulator (tests/emulators/nexus_fixtures.py).

Fixtures only one directory uses stay beside it: tests/reliability/conftest.py (fault proxies, a test CA).
ansible-test units runs tests/unit with its own pytest configuration, so it loads none of this: unit tests need
no server and import only the collection (ansible_collections.maestro.platform), ansible and pytest.
"""

import sys
import uuid

import pytest

from tests.emulators.minio_admin import MinioAdminEmulator
from tests.helpers import ensure_collection_link
from tests.servers import S3_KEYS, Mlflow, MotoS3, Postgres, SeaweedFS

# Under pytest the tests import the collection as ansible_collections.maestro.platform (this checkout).
sys.path.insert(0, str(ensure_collection_link()))

# Spec-validated API emulators (Harbor, Nexus): harbor_server / harbor_emulator, nexus_server / nexus_emulator.
pytest_plugins = ['tests.emulators.fixtures', 'tests.emulators.nexus_fixtures']


@pytest.fixture(scope='session')
def s3_server():
    server = MotoS3().start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def seaweedfs_server():
    """A real SeaweedFS S3 server (weed mini), started once per session (~2-15 s)."""
    server = SeaweedFS().start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def mlflow_server(s3_server):
    server = Mlflow(s3_server).start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def postgres_server():
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def minio_server(s3_server):
    """The project's MinIO admin API emulator (tests/emulators/minio_admin.py) in front of the session's real S3
    server (moto, ``s3_server``): one endpoint serving the S3 API (forwarded to moto) and /minio/admin/v3
    (emulated), like a MinIO server. Its root account is moto's test key pair."""
    emulator = MinioAdminEmulator(s3_server.url, S3_KEYS['AWS_ACCESS_KEY_ID'], S3_KEYS['AWS_SECRET_ACCESS_KEY'])
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def minio_vars(minio_server, prefix):
    """Extra vars of the minio playbooks: connection to the emulated MinIO and a random prefix."""
    return {'endpoint_url': minio_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
            'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'prefix': prefix}


@pytest.fixture
def prefix():
    """A random name prefix, so tests never see each other's objects."""
    return 't%s' % uuid.uuid4().hex[:8]
