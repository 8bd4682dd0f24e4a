# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""A framework for stateful, spec-validated HTTP API emulators (test support, not shipped).

Harbor and Nexus cannot run on our machines, so their APIs are emulated. Every emulator built on this
module checks every request it receives and every response it sends against the service's official
OpenAPI 3 description (openapi-core), so the emulator cannot silently drift from the real API.

Writing an emulator
-------------------
::

    class HarborEmulator(Emulator):
        spec_path = spec_path('harbor-openapi3.yaml')        # OpenAPI 3 file (loaded once per process)
        base_path = '/api/v2.0'                                 # prefix of every API path
        validate_spec = True                                    # False: load without checking the spec

        def reset_state(self):                                  # called by __init__ and reset()
            self.projects = {}

        def check_credentials(self, username, password):        # -> a user object, or None (401)
            ...

        def error_body(self, status, message, code=None):       # the service's error document
            return {'errors': [{'code': code or 'BAD_REQUEST', 'message': message}]}

        @route('GET', '/projects/{project_name_or_id}')         # spec path template, relative to base_path
        def get_project(self, call):
            project = self.projects.get(call.params['project_name_or_id'])
            if project is None:
                raise HttpError(404, 'project not found', code='NOT_FOUND')
            return 200, project                                 # (status, body[, headers])

Class attributes ``generic_error_statuses`` (e.g. frozenset({404, 409})) and ``error_schema`` (a JSON
pointer into the spec or a JSON-schema dict) accept error statuses the spec forgets on some operations
but the server's common error handling sends everywhere; their body is still checked against
``error_schema``. ``prepare_spec(data)`` (staticmethod) may fix the spec dict in memory (Nexus's
``nullable: 'true'``); ``validate_spec = False`` skips openapi-core's check of the spec itself.

Route templates must be paths of the spec (checked when the emulator starts); `@route(..., auth=False)`
serves a path without authentication, `@route(..., auth='optional')` lets the handler serve anonymous
calls (call.user is None), `@route(..., extra_statuses=(412,))` allows statuses the spec
forgets but the real server sends, `@route(..., empty_ok=True)` allows an empty body where the spec
declares one (say why in the handler's docstring).

Handlers receive a `Call` (method, path relative to base_path, full_path, params, query, headers, body
parsed from JSON (text for text/plain), raw, user, request_id, template; `call.arg(name, default)` gives
one query value) and return ``(status, body)`` or ``(status, body, headers)``. A dict/list body is sent as
JSON, a str as text/plain, bytes as they are, None as an empty body. Raise ``HttpError(status, message,
code)`` for an error in the service's shape. Handlers run under one lock (state stays consistent under a
threaded server).

Request processing
------------------
1. A pending fault that matches is applied (see inject()).
2. Unknown path: 404; a path of the spec the emulator does not implement: 501 and a violation.
3. Authentication (HTTP basic): no or bad credentials -> 401 in the service's error shape.
4. Request validation against the spec: a rejected request gets ``request_rejected()`` (default 400 with
   ``error_body``); a security failure of the spec gets 401.
5. The handler runs; its response is validated against the spec. A response that breaks the spec is
   recorded in ``emulator.violations`` and answered as a 500, so the test notices.
6. Accepted (status < 400) non-GET/HEAD requests are appended to ``emulator.writes``.
Every response carries X-Request-Id (the client's own, when it sent one).

Public API
----------
- ``start() -> base URL`` (http://127.0.0.1:PORT, API paths are base URL + base_path), ``stop()``,
  context manager, ``url`` (base URL + base_path), ``reset()`` (state, writes, log, counters, faults,
  violations).
- ``inject(kind, times=1, match=None, at=None, **options)``: kinds ``'status'`` (option status=500|502|
  503|504, default 503, with the service's error body), ``'429'`` (option retry_after=1), ``'slow'``
  (option seconds=1.0, then the normal answer), ``'drop'`` (socket closed without a response),
  ``'malformed'`` (200 with a broken JSON body). ``match``: ``'METHOD'``, ``'METHOD path-regex'`` or
  ``'path-regex'`` (re.search on the full request path, without the query). ``at``: the Nth matching
  request after the injection is the first faulted. Faults are consumed when used; ``faults`` lists
  the pending ones.
- ``writes``: list of ``Write(method, path, query, body, status)`` (path relative to base_path as sent,
  still URL-encoded; query: {name: [values]}; body: parsed JSON, text, or None); ``log``: list of
  ``Entry(method, path, status, request_id)`` for every request; ``requests``: Counter with ``'total'``
  and one key per method; ``count(method=None, path=None)`` counts log entries (path is a regex
  searched in the path relative to base_path).
- ``violations``: readable strings; ``assert_no_violations()`` raises AssertionError listing them.
- ``validation_seconds``: total time spent validating requests and responses (for measurements). The
  outcome of validating an identical request or response (same route, headers and body) is remembered
  per process, so repeated calls cost a digest, not a validation.
- hooks (override in a subclass): ``reset_state()``, ``check_credentials(username, password)``,
  ``error_body(status, message, code)``, ``request_rejected(call, message)`` (call.problems lists the
  spec errors), ``unauthorized(call)``, ``prepare_spec(data)``, ``prepare_request(call)`` (rewrite
  call.raw before validation as the server's binding would; Harbor: go-swagger reads a JSON null as an
  absent field).

Cost (measured on the project's 2-core machine, Harbor spec): loading the spec ~0.1-0.7 s once per
process (+0.7-3.5 s when openapi-core also checks the document, validate_spec=True); validating a
first-seen request and response ~3-10 ms for a single object, ~20-30 ms for a page of 10 projects;
a repeated identical exchange ~0.3 ms.

Layout: this file routes, serves HTTP and keeps the records; loading a spec and the openapi-core side of
validation (load_spec, re-exported here) live in tests/emulators/framework_spec.py.
"""

from __future__ import annotations

import base64
import collections
import json
import re
import socket
import threading
import time
import traceback
import uuid
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .framework_spec import HTTP_METHODS, _describe, _OARequest, _OAResponse, _template_regex, load_spec

__all__ = ['Emulator', 'route', 'HttpError', 'Call', 'Write', 'Entry', 'load_spec', 'FAULT_KINDS']

FAULT_KINDS = ('status', '429', 'slow', 'drop', 'malformed')

Write = collections.namedtuple('Write', 'method path query body status')
Entry = collections.namedtuple('Entry', 'method path status request_id')


class HttpError(Exception):
    """Raised by a handler: the emulator answers ``status`` with the service's error body."""

    def __init__(self, status, message, code=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


def route(method, template, auth=True, extra_statuses=(), empty_ok=False):
    """Declare a handler for ``method`` on ``template`` (a path of the spec, relative to base_path).

    auth=False: no authentication; auth='optional': missing or bad credentials make an anonymous call
    (call.user None) that the handler judges, as servers that fall back to an anonymous context do.
    extra_statuses: statuses the server sends that the spec omits.
    empty_ok=True: the server may answer a declared body with no body at all (say why in the handler).
    """

    def decorate(func):
        routes = getattr(func, '_emulator_routes', [])
        routes.append((method.upper(), template, auth, tuple(extra_statuses), empty_ok))
        func._emulator_routes = routes
        return func

    return decorate


class _Route:
    __slots__ = ('method', 'template', 'regex', 'handler', 'auth', 'extra_statuses', 'static', 'empty_ok')

    def __init__(self, method, template, handler, auth, extra_statuses, empty_ok=False):
        self.empty_ok = empty_ok
        self.method = method
        self.template = template
        self.regex = _template_regex(template)
        self.handler = handler
        self.auth = auth
        self.extra_statuses = extra_statuses
        self.static = '{' not in template



class Call:
    """One request as a handler sees it."""

    __slots__ = ('method', 'path', 'full_path', 'params', 'query', 'headers', 'body', 'raw', 'user',
                 'request_id', 'template', 'content_type', 'problems')

    def __init__(self, method, path, full_path, query, headers, raw, request_id):
        self.method = method
        self.path = path
        self.full_path = full_path
        self.query = query
        self.headers = headers
        self.raw = raw
        self.request_id = request_id
        self.params = {}
        self.body = None
        self.user = None
        self.template = None
        self.problems = []  # one readable line per spec error, when the spec rejected the request
        self.content_type = (headers.get('Content-Type') or '').split(';')[0].strip().lower()

    def arg(self, name, default=None):
        """The first value of query parameter ``name``, or ``default``."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name, default=None):
        return self.headers.get(name, default)


class _Fault:
    def __init__(self, kind, times, match, at, options):
        self.kind = kind
        self.times = times
        self.at = at or 1
        self.options = options
        self.seen = 0
        self.method = None
        self.path_regex = None
        if match:
            head, sep, rest = match.partition(' ')
            if head.upper() in (m.upper() for m in HTTP_METHODS):
                self.method = head.upper()
                rest = rest.strip()
            else:
                rest = match
            self.path_regex = re.compile(rest) if rest else None

    def matches(self, method, path):
        if self.method and self.method != method:
            return False
        return not self.path_regex or bool(self.path_regex.search(path))

    def __repr__(self):
        return '<fault %s times=%s at=%s seen=%s %s>' % (self.kind, self.times, self.at, self.seen,
                                                         self.options)


# ---------------------------------------------------------------------------------------------------------
# The HTTP side.

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, emulator):
        self.emulator = emulator
        self.open_sockets = set()
        self.sockets_lock = threading.Lock()
        super().__init__(('127.0.0.1', 0), _Handler)

    def process_request(self, request, client_address):
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self):
        with self.sockets_lock:
            sockets = list(self.open_sockets)
            self.open_sockets.clear()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive: our client reuses its connection
    server_version = 'maestro-emulator'
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall
    timeout = 60  # an idle keep-alive connection frees its thread after a minute

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    def version_string(self):  # the Server header: an emulator may answer as its server does
        return getattr(self.server.emulator, 'server_header', None) or super().version_string()

    def _dispatch(self):
        self.server.emulator._serve(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def send(self, status, headers, data):
        self.send_response(status)
        for name, value in headers.items():
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


# ---------------------------------------------------------------------------------------------------------

class Emulator:
    """Base class of the emulators; see the module docstring."""

    spec_path = None
    base_path = ''
    validate_spec = True
    service = 'emulator'
    # Error statuses the server's common error handling can answer on any operation, even where the
    # spec does not list them; their body is checked against error_schema (a JSON pointer into the spec,
    # such as '#/components/schemas/Errors', or a JSON schema dict when the spec's own is too loose).
    generic_error_statuses = frozenset()
    error_schema = None
    _error_validator = None

    def __init__(self, validate=True):
        self.validate = validate
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self.base_url = None
        self._routes = self._collect_routes()
        self.spec = None
        if self.spec_path and validate:
            self.spec = load_spec(self.spec_path, self.base_path, self.validate_spec,
                                  type(self).prepare_spec)
            self._check_routes()
        self.validation_seconds = 0.0
        self._clear_records()
        self.reset_state()

    # --- hooks for subclasses -----------------------------------------------------------------------------
    @staticmethod
    def prepare_spec(data):
        """Fix up the loaded spec dict in memory before openapi-core reads it (default: unchanged)."""
        return data

    def reset_state(self):
        """(Re)initialise the emulated server's state."""

    def check_credentials(self, username, password):
        """Return the authenticated user (any object) or None for 401. Default: nobody."""
        return None

    def error_body(self, status, message, code=None):
        """The service's error document for ``status`` (code None: the service's usual code for it)."""
        return {'message': message}

    def prepare_request(self, call):
        """Adjust call.raw before validation, as the server's own binding would (default: unchanged)."""

    def request_rejected(self, call, message):
        """(status, body) answered to a request the spec rejects (call.problems lists the errors)."""
        return 400, self.error_body(400, message, 'BAD_REQUEST')

    def unauthorized(self, call):
        """(status, body, headers) answered to a request without valid credentials."""
        return 401, self.error_body(401, 'unauthorized', 'UNAUTHORIZED'), {}

    # --- life cycle ---------------------------------------------------------------------------------------
    def start(self):
        if self._server is None:
            self._server = _Server(self)
            self.base_url = 'http://127.0.0.1:%d' % self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05},
                                            name='%s-emulator' % self.service, daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.close_all()
            self._server.server_close()
            self._thread.join(5)
            self._server = None
            self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self):
        """The API root: base URL + base_path."""
        return (self.base_url or '') + self.base_path

    def reset(self):
        with self._lock:
            self._clear_records()
            self.reset_state()

    def _clear_records(self):
        self.writes = []
        self.log = []
        self.requests = collections.Counter()
        self.violations = []
        self.faults = []

    # --- test API -----------------------------------------------------------------------------------------
    def inject(self, kind, times=1, match=None, at=None, **options):
        """Fault the next matching request(s); see the module docstring."""
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError('unknown fault kind %r: use one of %s' % (kind, ', '.join(FAULT_KINDS)))
        if kind == 'status':
            options.setdefault('status', 503)
            if options['status'] not in (500, 502, 503, 504):
                raise ValueError('a status fault takes status 500, 502, 503 or 504')
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
            return sum(1 for e in self.log
                       if (method is None or e.method == method.upper()) and (regex is None or regex.search(e.path)))

    def assert_no_violations(self):
        if self.violations:
            raise AssertionError('%s emulator recorded %d spec violation(s):\n- %s'
                                 % (self.service, len(self.violations), '\n- '.join(self.violations)))

    # --- internals ----------------------------------------------------------------------------------------
    def _collect_routes(self):
        routes = []
        seen = set()
        for klass in type(self).__mro__:
            for name, func in vars(klass).items():
                if name in seen:
                    continue
                seen.add(name)
                for method, template, auth, extra, empty_ok in getattr(func, '_emulator_routes', ()):
                    routes.append(_Route(method, template, getattr(self, name), auth, extra, empty_ok))
        # static templates before templated ones: '/projects/search' wins over '/projects/{id}'
        routes.sort(key=lambda r: (r.template.count('{'), -len(r.template)))
        return routes

    def _check_routes(self):
        missing = ['%s %s' % (r.method, r.template) for r in self._routes
                   if self.spec.operation(r.template, r.method) is None]
        if missing:
            raise ValueError('%s emulator routes not in the spec %s: %s'
                             % (self.service, self.spec_path, ', '.join(missing)))

    def _match(self, method, path):
        allowed = False
        for r in self._routes:
            found = r.regex.match(path)
            if found:
                if r.method == method:
                    return r, {k: unquote(v) for k, v in found.groupdict().items()}
                allowed = True
        return None, allowed

    def _pick_fault(self, method, full_path):
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, full_path):
                    fault.seen += 1
                    if fault.seen >= fault.at:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                        return fault
        return None

    def _authenticate(self, call):
        header = call.headers.get('Authorization') or ''
        scheme, sep, value = header.partition(' ')
        if scheme.lower() != 'basic' or not value:
            return None
        try:
            username, sep, password = base64.b64decode(value.strip()).decode('utf-8').partition(':')
        except (ValueError, UnicodeDecodeError):
            return None
        return self.check_credentials(username, password)

    def _encode(self, body, headers):
        headers = dict(headers or {})
        if body is None:
            return b'', headers
        if isinstance(body, bytes):
            headers.setdefault('Content-Type', 'application/octet-stream')
            return body, headers
        if isinstance(body, str):
            headers.setdefault('Content-Type', 'text/plain; charset=utf-8')
            return body.encode('utf-8'), headers
        headers.setdefault('Content-Type', 'application/json')
        return json.dumps(body).encode('utf-8'), headers

    def _error(self, status, message, code=None, headers=None):
        data, headers = self._encode(self.error_body(status, message, code), headers)
        return status, headers, data

    def _validate_request(self, call):
        from openapi_core.validation.request.exceptions import SecurityValidationError

        started = time.perf_counter()
        try:
            key = self.spec.cache_key('request', call.method, call.template, call.full_path, sorted(call.query.items()),
                                      sorted((k.lower(), v) for k, v in call.headers.items()
                                             if k.lower() != 'x-request-id'), call.raw)
            cached = self.spec.results.get(key)
            if cached is None:
                errors = list(self.spec.request_validator.iter_errors(_OARequest(call, self.base_path)))
                security = bool(errors) and all(isinstance(e, SecurityValidationError) for e in errors)
                cached = (security, [_describe(e) for e in errors])
                self.spec.remember(key, cached)
        finally:
            self.validation_seconds += time.perf_counter() - started
        security, problems = cached
        if not problems:
            return None
        call.problems = list(problems)
        return security, '; '.join(problems)

    def _validate_response(self, call, route_, status, headers, data, strict=True):
        """A readable violation for a response that breaks the spec, or None."""
        from openapi_core.templating.responses.exceptions import ResponseNotFound
        from openapi_core.validation.response.exceptions import MissingData

        operation = self.spec.operation(route_.template, call.method)
        responses = operation.get('responses') or {}
        if str(status) not in responses and 'default' not in responses:
            if status in self.generic_error_statuses and self.error_schema:
                return self._validate_generic_error(call, route_, status, headers, data)
            if status in route_.extra_statuses or not strict:
                return None
        started = time.perf_counter()
        try:
            key = self.spec.cache_key('response', call.method, route_.template, status, strict, route_.empty_ok,
                                      sorted((k.lower(), str(v)) for k, v in headers.items()
                                             if k.lower() != 'x-request-id'), data)
            violation = self.spec.results.get(key, key)
            if violation is key:  # not seen yet: an identical response validates identically
                errors = list(self.spec.response_validator.iter_errors(
                    _OARequest(call, self.base_path), _OAResponse(status, headers, data or None)))
                errors = [e for e in errors if (strict or not isinstance(e, ResponseNotFound))
                          and not (route_.empty_ok and not data and isinstance(e, MissingData))]
                violation = None
                if errors:
                    violation = '%s %s -> %s: %s' % (call.method, route_.template, status,
                                                     '; '.join(_describe(e) for e in errors))
                self.spec.remember(key, violation)
        finally:
            self.validation_seconds += time.perf_counter() - started
        return violation

    def _validate_generic_error(self, call, route_, status, headers, data):
        """An error status the operation does not declare, checked against the service's error schema."""
        started = time.perf_counter()
        try:
            if self._error_validator is None and isinstance(self.error_schema, dict):
                from openapi_core.validation.schemas.validators import SchemaValidator
                from jsonschema_path import SchemaPath
                from openapi_schema_validator import OAS30ReadValidator

                self._error_validator = SchemaValidator(SchemaPath.from_dict(self.error_schema),
                                                        OAS30ReadValidator(self.error_schema))
            elif self._error_validator is None:
                root = schema = self.spec.app.spec
                for part in self.error_schema.lstrip('#/').split('/'):
                    schema = schema / part
                factory = self.spec.response_validator.schema_validators_factory
                self._error_validator = factory.create(root, schema)
            problems = []
            try:
                body = json.loads(data or b'null')
                self._error_validator.validate(body)
            except ValueError as exc:
                problems.append(_describe(exc))
            except Exception as exc:  # openapi-core's InvalidSchemaValue and friends
                problems.append(_describe(exc))
        finally:
            self.validation_seconds += time.perf_counter() - started
        if not problems:
            return None
        return '%s %s -> %s (error body): %s' % (call.method, route_.template, status, '; '.join(problems))

    def _serve(self, handler):
        method = handler.command.upper()
        split = urlsplit(handler.path)
        full_path = split.path
        try:
            raw = handler.read_body()
        except (OSError, ValueError):
            handler.drop()
            return
        request_id = handler.headers.get('X-Request-Id') or uuid.uuid4().hex
        path = full_path[len(self.base_path):] if full_path.startswith(self.base_path) else None
        fault = self._pick_fault(method, full_path)
        status, headers, data = self._answer(method, path, full_path, split.query, handler.headers, raw,
                                             request_id, fault)
        with self._lock:
            self.requests['total'] += 1
            self.requests[method] += 1
            self.log.append(Entry(method, path if path is not None else full_path, status, request_id))
        if status is None:  # drop
            handler.drop()
            return
        headers['X-Request-Id'] = request_id
        try:
            handler.send(status, headers, data)
        except OSError:
            handler.close_connection = True

    def _answer(self, method, path, full_path, query_string, raw_headers, raw, request_id, fault):
        if fault is not None:
            if fault.kind == 'drop':
                return None, None, None
            if fault.kind == 'slow':
                time.sleep(fault.options['seconds'])
            elif fault.kind == 'status':
                status = fault.options['status']
                return self._error(status, 'injected fault: HTTP %d' % status)
            elif fault.kind == '429':
                return self._error(429, 'injected fault: too many requests', None,
                                   {'Retry-After': str(fault.options['retry_after'])})
            elif fault.kind == 'malformed':
                return 200, {'Content-Type': 'application/json'}, b'{"injected": "malformed JSON", '

        if path is None or not (path == '' or path.startswith('/')):
            return self._error(404, 'not found: %s' % full_path, 'NOT_FOUND')
        path = path or '/'
        headers = Message()
        for name, value in raw_headers.items():
            headers[name] = value
        query = collections.OrderedDict()
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        call = Call(method, path, full_path, query, headers, raw, request_id)

        route_, params = self._match(method, path)
        if route_ is None:
            if self.spec is not None:
                template, methods = self.spec.find(path)
                if template is not None and method in methods:
                    with self._lock:
                        self.violations.append('%s emulator does not implement %s %s (asked: %s %s)'
                                               % (self.service, method, template, method, full_path))
                    return self._error(501, 'not implemented by the emulator: %s %s' % (method, template),
                                       'NOT_IMPLEMENTED')
                if template is not None or params:
                    return self._error(405, 'method %s not allowed on %s' % (method, full_path),
                                       'METHOD_NOT_ALLOWED')
            elif params:
                return self._error(405, 'method %s not allowed on %s' % (method, full_path), 'METHOD_NOT_ALLOWED')
            return self._error(404, 'not found: %s' % full_path, 'NOT_FOUND')
        call.params = params
        call.template = route_.template

        if route_.auth:
            call.user = self._authenticate(call)
            if call.user is None and route_.auth != 'optional':
                return self._respond(call, route_, *self.unauthorized(call), strict=False)

        self.prepare_request(call)
        if self.spec is not None:
            rejected = self._validate_request(call)
            if rejected is not None:
                security, message = rejected
                if security:
                    return self._respond(call, route_, *self.unauthorized(call), strict=False)
                status, body = self.request_rejected(call, message)
                return self._respond(call, route_, status, body, strict=False)

        if raw:
            if call.content_type.endswith('json'):
                try:
                    call.body = json.loads(raw)
                except ValueError:
                    status, body = self.request_rejected(call, 'request body is not valid JSON')
                    return self._respond(call, route_, status, body, strict=False)
            elif call.content_type.startswith('text/'):
                call.body = raw.decode('utf-8', 'replace')

        try:
            with self._lock:
                result = route_.handler(call)
        except HttpError as exc:
            result = (exc.status, self.error_body(exc.status, exc.message, exc.code), exc.headers)
        except Exception:  # a crash of the emulator itself: fail the test loudly
            with self._lock:
                self.violations.append('%s emulator crashed on %s %s:\n%s'
                                       % (self.service, method, full_path, traceback.format_exc()))
            return self._error(500, 'emulator crashed')
        if len(result) == 2:
            result = (result[0], result[1], {})
        status, headers, data = self._respond(call, route_, *result)
        if status < 400 and method not in ('GET', 'HEAD'):
            with self._lock:
                self.writes.append(Write(method, path, dict(query), call.body, status))
        return status, headers, data

    def _respond(self, call, route_, status, body, headers=None, strict=True):
        data, headers = self._encode(body, headers)
        if self.spec is not None:
            violation = self._validate_response(call, route_, status, headers, data, strict=strict)
            if violation is not None:
                with self._lock:
                    self.violations.append(violation)
                return self._error(500, 'the emulator answered outside the spec: %s' % violation)
        return status, headers, data
