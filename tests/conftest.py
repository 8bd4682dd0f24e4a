"""pytest fixtures shared by the whole suite: real servers, started once per session."""

import sys
import uuid

import pytest

from tests.helpers import ensure_collection_link
from tests.servers import Mlflow, MotoS3, Postgres, SeaweedFS

# Unit tests import the collection as ansible_collections.maestro.platform.
sys.path.insert(0, str(ensure_collection_link()))

# Spec-validated API emulators (Harbor, Nexus): harbor_emulator / nexus_emulator fixtures.
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


@pytest.fixture
def prefix():
    """A random name prefix, so tests never see each other's objects."""
    return 't%s' % uuid.uuid4().hex[:8]
