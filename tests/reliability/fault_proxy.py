"""A fault-injecting HTTP(S) reverse proxy for the real servers of the tests (MLflow, moto's S3 API and the
MinIO admin emulator in front of it). Test support only.

It forwards every request byte for byte to one upstream server and answers with the upstream's response,
unless a pending fault matches. The fault API is the emulator framework's (tests/emulators/framework.py),
so one test can drive a real server and an emulator the same way:

    proxy = FaultProxy('http://127.0.0.1:5000').start()         # -> base URL of the proxy
    proxy.inject('status', status=502, match='POST /experiments/create', at=1, times=1)

Fault kinds (consumed when used; ``at``: the Nth matching request after the injection is faulted):
- ``status`` (option status=500|502|503|504): answered by the proxy, the upstream never sees the request.
- ``429`` (option retry_after=1): answered by the proxy with Retry-After.
- ``drop``: the connection is closed without an answer; the upstream never sees the request.
- ``slow`` (option seconds=1.0): the proxy waits, then forwards (the upstream acts after the client may have
  given up, as a real slow server does).
- ``malformed``: the request is forwarded (the upstream acts) and the client gets a 200 with a truncated
  body instead of the upstream's answer (a broken JSON or XML document). HEAD requests are never matched
  by this kind: they have no body to break.

Records: ``log`` (Entry(method, path, status)), ``requests`` (Counter: 'total' and per method), ``writes``
(accepted non-GET/HEAD requests), and ``count()``. ``tls=(certfile, keyfile)`` serves HTTPS.
"""

import collections
import http.client
import re
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULT_KINDS = ('status', '429', 'slow', 'drop', 'malformed')
Entry = collections.namedtuple('Entry', 'method path status')
Write = collections.namedtuple('Write', 'method path status')
HOP_BY_HOP = frozenset(('connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te',
                        'trailers', 'transfer-encoding', 'upgrade', 'content-length'))


class _Fault:
    def __init__(self, kind, times, match, at, options):
        self.kind, self.times, self.at, self.options, self.seen = kind, times, at or 1, options, 0
        self.method, self.path_regex = None, None
        if match:
            head, _, rest = match.partition(' ')
            if head.upper() in ('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'):
                self.method, match = head.upper(), rest.strip()
            self.path_regex = re.compile(match) if match else None

    def matches(self, method, path):
        if self.kind == 'malformed' and method == 'HEAD':
            return False
        if self.method and self.method != method:
            return False
        return not self.path_regex or bool(self.path_regex.search(path))


class FaultProxy:
    def __init__(self, upstream, tls=None, flavor='json'):
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.tls = tls
        self.flavor = flavor  # 'json' (MLflow, MinIO admin) or 's3' (XML error documents)
        self._lock = threading.RLock()
        self._server = None
        self.base_url = None
        self.reset()

    # -- life cycle ------------------------------------------------------------------------------
    def start(self):
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        scheme = 'http'
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = 'https'
        self.base_url = '%s://127.0.0.1:%d' % (scheme, self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05},
                                        daemon=True, name='fault-proxy')
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self):
        with self._lock:
            self.faults = []
            self.log = []
            self.writes = []
            self.requests = collections.Counter()

    # -- test API --------------------------------------------------------------------------------
    def inject(self, kind, times=1, match=None, at=None, **options):
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError('unknown fault kind %r' % kind)
        if kind == 'status':
            options.setdefault('status', 503)
        elif kind == '429':
            options.setdefault('retry_after', 1)
        elif kind == 'slow':
            options.setdefault('seconds', 1.0)
        fault = _Fault(kind, times, match, at, options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def count(self, method=None, path=None):
        regex = re.compile(path) if path else None
        with self._lock:
            return sum(1 for e in self.log if (method is None or e.method == method)
                       and (regex is None or regex.search(e.path)))

    # -- internals -------------------------------------------------------------------------------
    def _pick(self, method, path):
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.seen += 1
                    if fault.seen >= fault.at:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                        return fault
        return None

    def _error_body(self, status, message):
        if self.flavor == 's3':
            code = {429: 'SlowDown', 503: 'ServiceUnavailable'}.get(status, 'InternalError')
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
                    '<RequestId>injected</RequestId></Error>' % (code, message)).encode()
            return body, 'application/xml'
        return ('{"error_code": "INJECTED", "message": "%s"}' % message).encode(), 'application/json'

    def _malformed_body(self):
        if self.flavor == 's3':
            return b'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult><Buckets><Bu', 'application/xml'
        return b'{"injected": "malformed JSON", ', 'application/json'

    def _forward(self, method, target, headers, body):
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            forwarded = dict((k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP)
            # the Host header is kept as the client sent it: SigV4 signatures cover it
            conn.request(method, target, body=body if body else None, headers=forwarded)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP], data
        finally:
            conn.close()

    def serve(self, handler):
        method = handler.command.upper()
        target = handler.path
        path = urlsplit(target).path
        length = int(handler.headers.get('Content-Length') or 0)
        body = handler.rfile.read(length) if length else b''
        fault = self._pick(method, path)
        status, headers, data = None, [], b''
        if fault is None or fault.kind == 'slow':
            if fault is not None:
                time.sleep(fault.options['seconds'])
            status, headers, data = self._forward(method, target, handler.headers, body)
        elif fault.kind == 'status':
            status = fault.options['status']
            data, ctype = self._error_body(status, 'injected fault: HTTP %d' % status)
            headers = [('Content-Type', ctype)]
        elif fault.kind == '429':
            status = 429
            data, ctype = self._error_body(429, 'injected fault: too many requests')
            headers = [('Content-Type', ctype), ('Retry-After', str(fault.options['retry_after']))]
        elif fault.kind == 'malformed':
            upstream_status = self._forward(method, target, handler.headers, body)[0]
            status = 200
            data, ctype = self._malformed_body()
            headers = [('Content-Type', ctype), ('X-Upstream-Status', str(upstream_status))]
        with self._lock:
            self.requests['total'] += 1
            self.requests[method] += 1
            self.log.append(Entry(method, path, status))
            if status is not None and status < 400 and method not in ('GET', 'HEAD'):
                self.writes.append(Write(method, path, status))
        if fault is not None and fault.kind == 'drop':
            handler.drop()
            return
        handler.send(status, headers, data)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True
    timeout = 60
    owner = None

    def log_message(self, format, *args):  # noqa: A002 - no access log on stderr
        pass

    def _dispatch(self):
        try:
            self.owner.serve(self)
        except (OSError, http.client.HTTPException):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def send(self, status, headers, data):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)
        self.wfile.flush()

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
