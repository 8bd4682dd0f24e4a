"""The shared HTTP transport against a local HTTP server that injects faults: 5xx then success, 429 with
Retry-After, a dropped connection, a hang past the timeout, a 401 and a TLS server with a custom CA; plus
credentials in the URL, retry reports, the memory of a server that does not answer, and proxies (a local
recording proxy, CONNECT to the TLS server)."""

import datetime
import json
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._http import (
    ApiError,
    HttpClient,
    retry_after_seconds,
    server_message,
    set_retry_reporter,
    split_credentials,
    url_secrets,
)
from ansible_collections.maestro.platform.tests.unit.plugins.module_utils.recording_proxy import RecordingProxy


class Script:
    """What the server answers, one entry per request: (status, body, headers) or 'drop' or ('hang', s)."""

    def __init__(self):
        self.steps = []
        self.seen = []
        self.connections = set()


def make_handler(script):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):
            pass

        def _serve(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            script.seen.append((self.command, self.path, dict(self.headers), body))
            script.connections.add(self.client_address)
            step = script.steps.pop(0) if script.steps else (200, {'ok': True}, {})
            if step == 'drop':
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(step, tuple) and step[0] == 'hang':
                time.sleep(step[1])
                step = (200, {'late': True}, {})
            if isinstance(step, tuple) and step[0] == 'raw':
                self.send_response(200)
                self.send_header('Content-Type', step[2] if len(step) > 2 else 'application/json')
                self.send_header('Content-Length', str(len(step[1])))
                self.end_headers()
                self.wfile.write(step[1])
                return
            status, payload, headers = step
            raw = json.dumps(payload).encode() if payload is not None else b''
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(raw)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler


@pytest.fixture
def server():
    script = Script()
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), make_handler(script))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.url = 'http://127.0.0.1:%d' % httpd.server_address[1]
    yield script
    httpd.shutdown()
    httpd.server_close()


def client(url, **kwargs):
    kwargs.setdefault('backoff_base', 0.01)
    kwargs.setdefault('timeout', 5)
    return HttpClient(url, **kwargs)


def test_json_round_trip_and_keep_alive(server):
    c = client(server.url, username='u', password='p')
    assert c.get('/a', query={'x': 1, 'skip': None}) == {'ok': True}
    assert c.post('/b', {'name': 'n'}) == {'ok': True}
    assert server.seen[0][1] == '/a?x=1'
    assert server.seen[0][2]['Authorization'] == 'Basic dTpw'
    assert json.loads(server.seen[1][3]) == {'name': 'n'}
    assert len(server.connections) == 1, 'both requests went over one kept-alive connection'


def test_bearer_token(server):
    client(server.url, token='tok').get('/a')
    assert server.seen[0][2]['Authorization'] == 'Bearer tok'


def test_5xx_then_success_is_retried(server):
    server.steps = [(503, {'message': 'busy'}, {}), (502, None, {}), (200, {'done': 1}, {})]
    assert client(server.url).get('/x') == {'done': 1}
    assert len(server.seen) == 3


def test_post_not_retried_on_502_but_on_503(server):
    server.steps = [(502, {'message': 'bad gateway'}, {})]
    with pytest.raises(ApiError) as err:
        client(server.url).post('/create', {})
    assert err.value.status == 502 and len(server.seen) == 1
    server.seen.clear()
    server.steps = [(503, {'message': 'busy'}, {}), (201, {'id': 1}, {})]
    assert client(server.url).post('/create', {}) == {'id': 1}
    assert len(server.seen) == 2


def test_429_honours_retry_after(server):
    slept = []
    server.steps = [(429, {'message': 'slow down'}, {'Retry-After': '2'}), (200, {'ok': 1}, {})]
    assert client(server.url, sleep=slept.append).get('/x') == {'ok': 1}
    assert slept == [2.0]


def test_retry_after_http_date():
    now = time.time()
    when = datetime.datetime.fromtimestamp(now + 30, tz=datetime.timezone.utc)
    value = when.strftime('%a, %d %b %Y %H:%M:%S GMT')
    assert 28 <= retry_after_seconds(value, now=now) <= 31
    assert retry_after_seconds('garbage') is None


def test_malformed_json_success_retried_for_get_not_for_post(server):
    server.steps = [('raw', b'{"truncated": '), (200, {'ok': 1}, {})]
    assert client(server.url).get('/x') == {'ok': 1}
    assert len(server.seen) == 2
    server.seen.clear()
    server.steps = [('raw', b'{"id": 1')]
    with pytest.raises(ApiError) as err:
        client(server.url).post('/create', {})
    assert 'not valid JSON' in str(err.value) and len(server.seen) == 1


def test_bytes_that_only_start_like_json(server):
    # Binary or text that happens to begin with '{' is not malformed JSON unless it says it is JSON ...
    server.steps = [('raw', b'{\x8f\x01 binary', 'application/octet-stream')]
    response = client(server.url).request('POST', '/blob')
    assert response.json is None and response.body == b'{\x8f\x01 binary' and len(server.seen) == 1
    # ... and a caller that expects bytes gets them even under application/json (MinIO's encrypted answers)
    server.steps = [('raw', b'[\x00\x02 sealed')]
    response = client(server.url).request('POST', '/admin', binary=True)
    assert response.json is None and response.body == b'[\x00\x02 sealed' and len(server.seen) == 2
    # errors are still read as JSON under binary
    server.steps = [(404, {'Code': 'NoSuchThing', 'Message': 'gone'}, {})]
    with pytest.raises(ApiError) as err:
        client(server.url).request('GET', '/admin', binary=True)
    assert err.value.status == 404 and err.value.body == {'Code': 'NoSuchThing', 'Message': 'gone'}


def test_retries_are_bounded_in_attempts(server):
    server.steps = [(503, {'message': 'still busy'}, {})] * 10
    with pytest.raises(ApiError) as err:
        client(server.url, max_attempts=3).get('/x')
    assert len(server.seen) == 3
    assert err.value.status == 503 and 'still busy' in str(err.value)


def test_retries_are_bounded_in_time(server):
    server.steps = [(429, {}, {'Retry-After': '100'})]
    started = time.monotonic()
    with pytest.raises(ApiError) as err:
        client(server.url, max_retry_time=5).get('/x')
    assert time.monotonic() - started < 2, 'a Retry-After beyond the budget fails at once'
    assert err.value.status == 429


def test_dropped_connection_retried_for_get_not_for_post(server):
    server.steps = ['drop', (200, {'ok': 1}, {})]
    assert client(server.url).get('/x') == {'ok': 1}
    server.seen.clear()
    server.steps = ['drop']
    with pytest.raises(ApiError) as err:
        client(server.url).post('/create', {'a': 1})
    assert 'connection dropped' in str(err.value)
    assert len(server.seen) == 1, 'a POST that may have been processed is not repeated'


def test_hang_past_timeout(server):
    server.steps = [('hang', 3), ('hang', 3)]
    started = time.monotonic()
    with pytest.raises(ApiError) as err:
        client(server.url, timeout=1, max_attempts=2).get('/slow')
    assert 'no response within 1 seconds' in str(err.value)
    assert time.monotonic() - started < 4


def test_401_names_the_credentials(server):
    server.steps = [(401, {'errors': [{'code': 'UNAUTHORIZED', 'message': 'unauthorized'}]},
                     {'X-Request-Id': 'req-42'})]
    with pytest.raises(ApiError) as err:
        client(server.url, username='u', password='wrong').get('/x')
    text = str(err.value)
    assert err.value.status == 401 and 'unauthorized' in text and 'username/password' in text
    assert 'req-42' in text
    assert 'wrong' not in text, 'the password never appears in an error'


def test_connection_refused_names_the_option():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with pytest.raises(ApiError) as err:
        HttpClient('http://127.0.0.1:%d' % port, url_option='tracking_uri', max_attempts=2,
                   backoff_base=0.01).get('/x')
    assert 'tracking_uri=http://127.0.0.1:%d' % port in str(err.value)


def test_bad_base_url_names_the_option():
    with pytest.raises(ApiError) as err:
        HttpClient('ftp://x', url_option='url')
    assert 'url must be an http:// or https:// URL' in err.value.message


def test_server_messages():
    assert server_message({'error_code': 'RESOURCE_DOES_NOT_EXIST', 'message': 'gone'}, '') == \
        'RESOURCE_DOES_NOT_EXIST: gone'
    assert server_message({'errors': [{'code': 'CONFLICT', 'message': 'exists'}]}, '') == 'exists'
    assert server_message([{'id': 'name', 'message': 'taken'}], '') == 'taken'
    assert server_message(None, ' plain text ') == 'plain text'
    assert server_message('Blob store cannot be changed', '"Blob store cannot be changed"') == \
        'Blob store cannot be changed'


@pytest.fixture(scope='module')
def tls_server(tmp_path_factory):
    """An HTTPS server whose certificate is signed by a CA made for this test."""
    d = tmp_path_factory.mktemp('tls')

    def run(*command):
        subprocess.run(command, cwd=d, check=True, capture_output=True)

    run('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
        '-days', '2', '-subj', '/CN=maestro test CA')
    run('openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr',
        '-subj', '/CN=localhost')
    (d / 'ext.cnf').write_text('subjectAltName=IP:127.0.0.1,DNS:localhost\n')
    run('openssl', 'x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf')
    script = Script()
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), make_handler(script))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(d / 'srv.pem'), str(d / 'srv.key'))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    script.url = 'https://127.0.0.1:%d' % httpd.server_address[1]
    script.ca = str(d / 'ca.pem')
    yield script
    httpd.shutdown()


def test_tls_custom_ca(tls_server):
    with pytest.raises(ApiError) as err:
        client(tls_server.url).get('/x')
    assert 'certificate verification failed' in str(err.value) and 'ca_path' in str(err.value)
    assert client(tls_server.url, ca_path=tls_server.ca).get('/x') == {'ok': True}
    assert client(tls_server.url, validate_certs=False).get('/x') == {'ok': True}


# -- credentials in the URL (issue 17.10) ---------------------------------------------------------------
def test_credentials_in_the_url_are_used_and_never_shown(server):
    c = client(server.url.replace('http://', 'http://ci%40corp:s3cr%2Ft@'))
    assert c.get('/a') == {'ok': True}
    assert server.seen[0][2]['Authorization'] == 'Basic Y2lAY29ycDpzM2NyL3Q=', 'decoded: ci@corp / s3cr/t'
    assert 's3cr' not in c.base_url and '@' not in c.base_url
    server.steps = [(404, {'message': 'gone'}, {})]
    with pytest.raises(ApiError) as err:
        c.get('/b')
    assert 's3cr' not in str(err.value) and 'ci%40corp' not in str(err.value)

    client(server.url.replace('http://', 'http://url:user@'), username='u', password='p').get('/c')
    assert server.seen[-1][2]['Authorization'] == 'Basic dTpw', 'explicit username/password win'
    client(server.url.replace('http://', 'http://url:user@'), token='t0k').get('/d')
    assert server.seen[-1][2]['Authorization'] == 'Bearer t0k', 'an explicit token wins'


def test_credentials_in_a_refused_url_are_not_in_the_error():
    url = 'http://admin:hunter2@127.0.0.1:%d' % _closed_port()
    with pytest.raises(ApiError) as err:
        HttpClient(url, max_attempts=1).get('/x')
    assert 'hunter2' not in str(err.value) and 'admin' not in str(err.value)
    assert 'check url=http://127.0.0.1:' in str(err.value)


def test_url_credential_helpers():
    assert split_credentials('https://u:p%40ss@h:8443/x') == ('https://h:8443/x', 'u', 'p@ss')
    assert split_credentials('https://h/x') == ('https://h/x', None, None)
    assert split_credentials('https://token@h') == ('https://h', 'token', '')
    assert url_secrets('https://u:p%40ss@h') == {'u:p%40ss', 'p%40ss', 'p@ss'}
    assert url_secrets('https://h') == set()


# -- retries are reported and counted (issue 18 feedback) -----------------------------------------------
def test_retries_are_reported_and_counted(server):
    reports = []
    set_retry_reporter(reports.append)
    try:
        server.steps = [(503, {'message': 'busy'}, {})] * 3
        with pytest.raises(ApiError) as err:
            client(server.url.replace('http://', 'http://u:pw@'), max_attempts=3).get('/x')
    finally:
        set_retry_reporter(None)
    assert len(reports) == 2
    assert reports[0].startswith('GET %s/x returned HTTP 503: busy; retrying in ' % server.url.replace(
        'http://127.0.0.1', 'http://127.0.0.1'))
    assert '(attempt 1 of at most 3 failed)' in reports[0] and '(attempt 2 of at most 3 failed)' in reports[1]
    assert ':pw@' not in ' '.join(reports)
    assert 'gave up after 3 attempts in' in str(err.value) and err.value.attempts == 3


# -- a server that does not answer is remembered (issue 17.11) ------------------------------------------
def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_a_server_that_does_not_answer_fails_fast_afterwards():
    port = _closed_port()
    c = HttpClient('http://127.0.0.1:%d' % port, max_attempts=3, backoff_base=0.2, backoff_cap=0.2)
    with pytest.raises(ApiError) as first:
        c.get('/a')
    started = time.monotonic()
    for _attempt in range(50):
        with pytest.raises(ApiError) as later:
            c.get('/b')
    assert time.monotonic() - started < 0.5, 'later requests do not retry again'
    assert c.request_count == 3, 'no request was sent after the first gave up'
    assert first.value.message.split(' (gave up')[0] in later.value.message
    assert 'not tried again: no answer to 3 attempts' in later.value.message


def test_a_server_that_comes_back_is_tried_again(server):
    c = client(server.url, max_attempts=2)
    c._down = (time.monotonic() - c.down_memory - 1, 'cannot connect', 2)
    assert c.get('/a') == {'ok': True}, 'the memory of a dead server expires'
    server.steps = [(503, {'message': 'busy'}, {})] * 2
    with pytest.raises(ApiError):
        c.get('/b')
    assert c.get('/c') == {'ok': True}, 'a server that answered (even 503) is not marked as down'


# -- proxies (issue 18) -----------------------------------------------------------------------------------
@pytest.fixture
def proxy(monkeypatch):
    for name in ('http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'):
        monkeypatch.delenv(name, raising=False)
    recording = RecordingProxy().start()
    yield recording
    recording.stop()


def test_http_proxy_gets_the_absolute_url(server, proxy, monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', proxy.url.replace('http://', 'http://pu:pp@'))
    assert client(server.url, username='u', password='p').get('/a', query={'x': 1}) == {'ok': True}
    method, target, headers = proxy.requests[0]
    assert (method, target) == ('GET', server.url + '/a?x=1')
    assert headers['Proxy-Authorization'] == 'Basic cHU6cHA='
    assert server.seen[0][2]['Authorization'] == 'Basic dTpw'


def test_no_proxy_and_lowercase(server, proxy, monkeypatch):
    monkeypatch.setenv('http_proxy', proxy.url)
    monkeypatch.setenv('no_proxy', 'example.com,127.0.0.1')
    assert client(server.url).get('/a') == {'ok': True}
    assert proxy.requests == [], 'NO_PROXY lists the host: direct'
    monkeypatch.setenv('no_proxy', 'example.com')
    assert client(server.url).get('/b') == {'ok': True}
    assert [r[:2] for r in proxy.requests] == [('GET', server.url + '/b')]


def test_https_goes_through_a_connect_tunnel(tls_server, proxy, monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', proxy.url)
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:9')  # not used for https
    c = client(tls_server.url, ca_path=tls_server.ca)
    assert c.get('/x') == {'ok': True} and c.get('/y') == {'ok': True}
    host_port = tls_server.url.split('://')[1]
    assert [r[:2] for r in proxy.requests] == [('CONNECT', host_port)], 'one tunnel, kept alive'


def test_a_dead_proxy_is_named(server, monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % _closed_port())
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    with pytest.raises(ApiError) as err:
        client(server.url, max_attempts=1).get('/a')
    assert 'cannot connect through the proxy 127.0.0.1:' in str(err.value)


@pytest.mark.parametrize('service,option,url', [
    ('harbor', 'url', 'https://ci:pw%21@harbor.example.com'),
    ('nexus', 'url', 'https://ci:pw%21@nexus.example.com/'),
    ('mlflow', 'tracking_uri', 'https://ci:pw%21@mlflow.example.com'),
])
def test_every_service_takes_credentials_from_its_url(service, option, url):
    from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project, _mlflow_experiment, _nexus_repository
    cls = {'harbor': _harbor_project.Project, 'nexus': _nexus_repository.Repository, 'mlflow': _mlflow_experiment.Experiment}[service]
    made = cls.make_client({option: url, 'timeout': 30, 'validate_certs': True})
    assert made.default_headers['Authorization'] == 'Basic Y2k6cHch', 'ci / pw!'
    assert 'pw' not in made.base_url and '@' not in made.base_url
