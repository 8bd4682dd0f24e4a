# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""pytest fixtures for the emulators, registered for the whole suite by tests/shared_fixtures.py (pytest_plugins);
test files name the fixtures, they never import them. Elsewhere (another pytest tree), import them:

    from tests.emulators.fixtures import harbor_emulator, harbor_server  # noqa: F401  pylint: disable=unused-import

harbor_server: one HarborEmulator per test session (the spec is loaded once), with random passwords.
harbor_emulator: the same server, reset before each test (state, write log, counters, faults); at
teardown the test fails if the emulator recorded a spec violation.

Credentials: harbor_emulator.admin_username / .admin_password (system admin) and .user_username /
.user_password (a non-admin user, 403 on admin endpoints). Module options: url=harbor_emulator.base_url.
"""

from __future__ import annotations

import secrets

import pytest

from .harbor import ADMIN_NAME, USER_NAME, HarborEmulator


def _password():
    # Harbor's password rule: 8-128 characters with upper case, lower case and a digit
    return 'Aa1' + secrets.token_urlsafe(18)


@pytest.fixture(scope='session')
def harbor_server():
    admin_password, user_password = _password(), _password()
    emulator = HarborEmulator(admin_password=admin_password, user_password=user_password)
    emulator.admin_username, emulator.admin_password = ADMIN_NAME, admin_password
    emulator.user_username, emulator.user_password = USER_NAME, user_password
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def harbor_emulator(harbor_server):
    harbor_server.reset()
    yield harbor_server
    harbor_server.assert_no_violations()
