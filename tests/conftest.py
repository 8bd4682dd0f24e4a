"""pytest fixtures shared by the whole suite: real servers, started once per session."""

import uuid

import pytest

from tests.servers import Mlflow, MotoS3, Postgres


@pytest.fixture(scope='session')
def s3_server():
    server = MotoS3().start()
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
