# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Tests of the emulator framework (tests/emulators/framework.py) through a small test-only emulator.

The toy emulator serves a few paths of the real Harbor OpenAPI description, so validation runs against
an official spec; one of its routes deliberately answers outside the spec. Requests go through plain
http.client, not through the collection's own client.
"""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import time

import pytest

from tests.emulators.framework import Emulator, HttpError, load_spec, route
from tests.emulators.harbor import HARBOR_SPEC, HarborEmulator

PASSWORD = secrets.token_urlsafe(12)


class ToyEmulator(Emulator):
    spec_path = HARBOR_SPEC
    base_path = '/api/v2.0'
    service = 'toy'
    validate_spec = False  # the spec document is checked in test_emulator_harbor.py
    prepare_spec = staticmethod(HarborEmulator.prepare_spec)  # same loaded spec as the Harbor emulator
    generic_error_statuses = frozenset((404,))
    error_schema = {'type': 'object', 'required': ['errors'],
                    'properties': {'errors': {'type': 'array', 'minItems': 1}}}

    def reset_state(self):
        self.projects = {}

    def check_credentials(self, username, password):
        return username if (username, password) == ('tester', PASSWORD) else None

    def error_body(self, status, message, code=None):
        return {'errors': [{'code': code or 'UNKNOWN', 'message': message}]}

    @route('GET', '/ping', auth=False)
    def ping(self, call):
        return 200, 'Pong'

    @route('GET', '/projects')
    def list_projects(self, call):
        return 200, list(self.projects.values()), {'X-Total-Count': str(len(self.projects))}

    @route('POST', '/projects')
    def create_project(self, call):
        name = call.body['project_name']
        if name in self.projects:
            raise HttpError(409, 'project %s already exists' % name, 'CONFLICT')
        self.projects[name] = {'project_id': len(self.projects) + 1, 'name': name}
        return 201, None, {'Location': '/api/v2.0/projects/%d' % len(self.projects)}

    @route('GET', '/projects/{project_name_or_id}')
    def get_project(self, call):
        name = call.params['project_name_or_id']
        if name == 'broken':  # deliberately outside the spec: project_id must be an integer
            return 200, {'project_id': 'not-a-number', 'name': name}
        if name == 'bad-error':  # an undeclared error status whose body breaks the error schema
            return 404, {'message': 'not the Errors shape'}
        if name == 'crash':
            raise RuntimeError('boom')
        if name not in self.projects:
            raise HttpError(404, 'project %s not found' % name, 'NOT_FOUND')
        return 200, self.projects[name]


AUTH = {'Authorization': 'Basic ' + base64.b64encode(('tester:%s' % PASSWORD).encode()).decode()}


@pytest.fixture(scope='module')
def toy_server():
    with ToyEmulator() as emulator:
        yield emulator


@pytest.fixture
def toy(toy_server):
    toy_server.reset()
    yield toy_server


class Client:
    """One keep-alive connection, like the collection's client."""

    def __init__(self, emulator, timeout=10):
        host, port = emulator.base_url.rsplit('/', 1)[1].split(':')
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def __call__(self, method, path, body=None, headers=None, auth=True):
        all_headers = dict(AUTH if auth else {})
        if body is not None:
            all_headers['Content-Type'] = 'application/json'
            body = json.dumps(body)
        all_headers.update(headers or {})
        self.conn.request(method, '/api/v2.0' + path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data

    def close(self):
        self.conn.close()


@pytest.fixture
def client(toy):
    c = Client(toy)
    yield c
    c.close()


def test_serves_on_localhost_with_keep_alive(toy, client):
    assert toy.base_url.startswith('http://127.0.0.1:')
    assert toy.url == toy.base_url + '/api/v2.0'
    sock_before = None
    for _attempt in range(3):
        status, headers, data = client('GET', '/projects')
        assert status == 200 and json.loads(data) == []
        sock_before = sock_before or client.conn.sock
        assert client.conn.sock is sock_before  # the same connection was reused
    toy.assert_no_violations()


def test_valid_request_and_response(toy, client):
    status, headers, response = client('POST', '/projects', {'project_name': 'alpha'})
    assert status == 201 and headers['Location'] == '/api/v2.0/projects/1'
    status, headers, data = client('GET', '/projects/alpha')
    assert status == 200 and json.loads(data) == {'project_id': 1, 'name': 'alpha'}
    toy.assert_no_violations()


def test_request_rejected_by_the_spec_gets_the_service_error(toy, client):
    status, headers, data = client('POST', '/projects', {'project_name': 42})
    assert status == 400
    error = json.loads(data)['errors'][0]
    assert error['code'] == 'BAD_REQUEST' and 'project_name' in error['message'] and 'string' in error['message']
    status, headers, data = client('GET', '/projects?page=many')
    assert status == 400 and 'page' in json.loads(data)['errors'][0]['message']
    assert toy.writes == [] and toy.projects == {}
    toy.assert_no_violations()


def test_response_outside_the_spec_is_recorded_and_answered_500(toy, client):
    status, headers, data = client('GET', '/projects/broken')
    assert status == 500
    assert 'outside the spec' in json.loads(data)['errors'][0]['message']
    assert len(toy.violations) == 1 and 'project_id' in toy.violations[0]
    with pytest.raises(AssertionError, match='1 spec violation'):
        toy.assert_no_violations()


def test_handler_crash_is_a_violation(toy, client):
    status, data, response = client('GET', '/projects/crash')
    assert status == 500
    assert 'RuntimeError: boom' in toy.violations[0]


def test_errors_from_handlers_use_the_service_shape(toy, client):
    status, headers, data = client('GET', '/projects/missing')
    assert status == 404
    assert json.loads(data) == {'errors': [{'code': 'NOT_FOUND', 'message': 'project missing not found'}]}
    client('POST', '/projects', {'project_name': 'dup'})
    status, headers, data = client('POST', '/projects', {'project_name': 'dup'})
    assert status == 409 and json.loads(data)['errors'][0]['code'] == 'CONFLICT'
    toy.assert_no_violations()


def test_undeclared_error_status_is_checked_against_the_error_schema(toy, client):
    # GET /projects/{name} declares no 404, yet Harbor answers 404 through its common error handler
    assert client('GET', '/projects/missing')[0] == 404
    assert toy.violations == []
    status, data, response = client('GET', '/projects/bad-error')
    assert status == 500 and 'error body' in toy.violations[0] and 'errors' in toy.violations[0]


def test_error_schema_may_be_a_pointer_into_the_spec():
    class PointerToy(ToyEmulator):
        error_schema = '#/components/schemas/Errors'

    with PointerToy() as toy:
        c = Client(toy)
        assert c('GET', '/projects/missing')[0] == 404
        toy.assert_no_violations()
        c.close()


def test_unknown_and_unimplemented_paths(toy, client):
    status, data, response = client('GET', '/no/such/path')
    assert status == 404
    assert toy.violations == []
    status, data, response = client('DELETE', '/projects/alpha')  # in the spec, not implemented by the toy
    assert status == 501
    assert 'does not implement DELETE /projects/{project_name_or_id}' in toy.violations[0]


def test_routes_must_exist_in_the_spec():
    class Typo(ToyEmulator):
        @route('GET', '/projectz')
        def typo(self, call):
            return 200, []

    with pytest.raises(ValueError, match='GET /projectz'):
        Typo()


def test_authentication(toy, client):
    status, headers, data = client('GET', '/projects', auth=False)
    assert status == 401 and json.loads(data)['errors'][0]['code'] == 'UNAUTHORIZED'
    bad = {'Authorization': 'Basic ' + base64.b64encode(b'tester:wrong').decode()}
    status, data, response = client('GET', '/projects', auth=False, headers=bad)
    assert status == 401
    status, headers, data = client('GET', '/ping', auth=False)  # a route declared auth=False
    assert status == 200 and data == b'Pong' and headers['Content-Type'].startswith('text/plain')
    toy.assert_no_violations()


def test_request_id_on_every_response(toy, client):
    ids = set()
    for path in ('/projects', '/projects/missing', '/no/such/path'):
        status, headers, response = client('GET', path)
        ids.add(headers['X-Request-Id'])
    assert len(ids) == 3
    status, headers, response = client('GET', '/projects', headers={'X-Request-Id': 'mine-123'})
    assert headers['X-Request-Id'] == 'mine-123'


def test_write_log_and_counters(toy, client):
    client('GET', '/projects')
    client('POST', '/projects', {'project_name': 'one'})
    client('POST', '/projects', {'project_name': 'one'})  # 409: not accepted, not a write
    client('POST', '/projects', {'project_name': 7})  # rejected by the spec: not a write
    assert [(w.method, w.path, w.body, w.status) for w in toy.writes] == [
        ('POST', '/projects', {'project_name': 'one'}, 201)]
    assert toy.requests['total'] == 4 and toy.requests['GET'] == 1 and toy.requests['POST'] == 3
    assert toy.count('POST', '^/projects$') == 3
    assert toy.count(path='/projects') == 4
    toy.reset()
    assert toy.writes == [] and toy.requests['total'] == 0 and toy.projects == {}


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_fault_status(toy, client, status):
    toy.inject('status', status=status)
    got, headers, data = client('GET', '/projects')
    assert got == status and 'X-Request-Id' in headers
    assert json.loads(data)['errors'][0]['message'] == 'injected fault: HTTP %d' % status
    assert client('GET', '/projects')[0] == 200  # consumed
    assert toy.faults == []


def test_fault_429_with_retry_after(toy, client):
    toy.inject('429', retry_after=7)
    status, headers, response = client('GET', '/projects')
    assert status == 429 and headers['Retry-After'] == '7'


def test_fault_slow(toy, client):
    toy.inject('slow', seconds=0.3)
    started = time.monotonic()
    status, data, response = client('GET', '/projects')
    assert status == 200 and time.monotonic() - started >= 0.3


def test_fault_drop(toy, client):
    toy.inject('drop')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        client('GET', '/projects')
    client.close()
    assert client('GET', '/projects')[0] == 200  # a new connection works


def test_fault_malformed(toy, client):
    toy.inject('malformed')
    status, headers, data = client('GET', '/projects')
    assert status == 200 and headers['Content-Type'] == 'application/json'
    with pytest.raises(ValueError):
        json.loads(data)


def test_fault_match_at_and_times(toy, client):
    toy.inject('status', status=500, match='POST /projects$', at=2, times=2)
    assert client('GET', '/projects')[0] == 200  # method does not match
    assert client('POST', '/projects', {'project_name': 'a'})[0] == 201  # first match: not yet
    assert client('POST', '/projects', {'project_name': 'b'})[0] == 500  # second match: faulted
    assert client('POST', '/projects', {'project_name': 'c'})[0] == 500  # times=2
    assert client('POST', '/projects', {'project_name': 'd'})[0] == 201  # consumed
    assert [w.body['project_name'] for w in toy.writes] == ['a', 'd']
    toy.inject('status', match='/projects/x')
    assert client('GET', '/projects')[0] == 200
    assert client('GET', '/projects/x')[0] == 503


def test_inject_rejects_unknown_kinds(toy):
    with pytest.raises(ValueError, match='unknown fault kind'):
        toy.inject('explode')
    with pytest.raises(ValueError, match='status'):
        toy.inject('status', status=404)


def test_spec_is_loaded_once_per_process():
    first = load_spec(HARBOR_SPEC, '/api/v2.0', False, HarborEmulator.prepare_spec)
    assert load_spec(HARBOR_SPEC, '/api/v2.0', False, HarborEmulator.prepare_spec) is first
    assert ToyEmulator().spec is first and HarborEmulator(admin_password='x').spec is first


def test_validation_overhead_is_small(toy, client):
    client('GET', '/projects')
    toy.validation_seconds = 0.0
    for _attempt in range(20):
        client('GET', '/projects')
    assert toy.validation_seconds / 20 < 0.05  # measured ~3-5 ms; generous bound for a loaded CI machine


def test_validation_outcomes_are_remembered(toy, client):
    client('GET', '/projects/missing')  # warm up the route
    size = len(toy.spec.results)
    client('POST', '/projects', {'project_name': 'cached'})
    client('GET', '/projects/cached')
    grown = len(toy.spec.results)
    assert grown > size
    for _attempt in range(3):
        assert client('GET', '/projects/cached')[0] == 200
    assert len(toy.spec.results) == grown  # identical request and response: no new validation
    # a remembered violation is still recorded and answered as 500 every time
    assert client('GET', '/projects/broken')[0] == 500
    assert client('GET', '/projects/broken')[0] == 500
    assert len(toy.violations) == 2
    toy.violations.clear()
