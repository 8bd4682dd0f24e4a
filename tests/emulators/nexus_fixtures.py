"""pytest fixtures for the Nexus emulator (test support).

Registered for the whole suite by tests/shared_fixtures.py (pytest_plugins): test files name the fixtures, they
never import them. Elsewhere (another pytest tree), import them:

    from tests.emulators.nexus_fixtures import nexus_emulator, nexus_server  # noqa: F401

``nexus_server`` is one emulator per test session (the spec is loaded once); ``nexus_emulator`` resets its
state, records and faults before each test and fails the test at teardown if any request or response broke
the spec.
"""

import shutil
import tempfile

import pytest

from tests.emulators.nexus import NexusEmulator


@pytest.fixture(scope='session')
def nexus_server():
    data_dir = tempfile.mkdtemp(prefix='maestro-nexus-data-')
    emulator = NexusEmulator(data_dir)
    emulator.start()
    yield emulator
    emulator.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def nexus_emulator(nexus_server):
    nexus_server.reset()
    yield nexus_server
    nexus_server.assert_no_violations()
