# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the shared HTTP transport of maestro.platform. Not a public API; it may change at any time.
"""One HTTP transport for every service of the collection.

Standard library only (http.client), so the same code runs on the controller (in-process, through the
action plugins) and on a managed host (as an ordinary module) without extra packages.

- One persistent connection per client, reused across requests and, in the action plugins, across loop
  items. A connection the server closed is reopened transparently.
- Basic or bearer auth, validate_certs and a CA bundle, a per-request timeout.
- JSON in and out; one typed error, ApiError, carrying the status and the server's own message.
- Retries with jittered exponential backoff on connection errors, 429, 502, 503 and 504, honouring
  Retry-After, bounded in attempts and in total time, and only when repeating the request is safe. Each
  retry is reported (set_retry_reporter) and the final error says how many attempts were made.
- A server that did not answer at all (refused, unreachable, hanging or dropping) after every attempt is
  remembered by the client for DOWN_MEMORY seconds: later requests of the same client (the later items of
  a loop on the fast path) fail at once with the same message instead of retrying again.
- Credentials in the URL (https://user:password@host) are used for basic auth unless username/password or
  a token are given, and are never part of a message (the URL is kept without them).
- HTTP_PROXY / HTTPS_PROXY / NO_PROXY (and the lowercase forms) are honoured as urllib and therefore
  ansible.builtin.uri honour them: an http URL is sent to the proxy, an https URL goes through a CONNECT
  tunnel, proxy credentials in the proxy URL become Proxy-Authorization.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import email.utils
import json
import random
import socket
import ssl
import time

import http.client as http_client
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit
from urllib.request import getproxies, proxy_bypass

RETRY_STATUSES = frozenset((429, 502, 503, 504))
# 429 and 503 mean the server refused the request before acting on it: repeating even a POST is safe.
REFUSED_STATUSES = frozenset((429, 503))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))
#: seconds a client remembers that its server did not answer any attempt (see HttpClient.request)
DOWN_MEMORY = 30.0

_retry_reporter = None


def set_retry_reporter(reporter):
    """Call reporter(message) for every retry from now on in this process (None: stop). The module path
    turns the messages into warnings; the fast path shows them as warnings while the task runs."""
    global _retry_reporter
    _retry_reporter = reporter


def split_credentials(url):
    """(url without userinfo, username, password) of an http(s) URL; username/password are None when the
    URL has none. Percent-escapes are decoded, as requests (MLflow's client) does (get_auth_from_url)."""
    if not isinstance(url, str) or '@' not in url:
        return url, None, None
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    netloc = parts.netloc.rpartition('@')[2]
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, unquote(parts.username or ''), unquote(parts.password or '')


def url_secrets(url):
    """The credentials a URL holds, as they appear in it and decoded (to censor them in any output)."""
    if not isinstance(url, str) or '@' not in url:
        return set()
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition('@')[0]
    found = set([userinfo])
    if parts.password:
        found.update((parts.password, unquote(parts.password)))
    return set(v for v in found if v)


class ApiError(Exception):
    """A failed API call: HTTP status (None when no response arrived) and the server's own message."""

    def __init__(self, message, status=None, method=None, url=None, request_id=None, body=None,
                 error_code=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.url = url
        self.request_id = request_id
        self.body = body
        self.error_code = error_code
        self.attempts = 1

    def __str__(self):
        if self.status is None:
            text = '%s %s failed: %s' % (self.method, self.url, self.message)
        else:
            text = '%s %s returned HTTP %s: %s' % (self.method, self.url, self.status, self.message)
        if self.request_id:
            text += ' (X-Request-Id: %s)' % self.request_id
        return text


class StaleConnection(Exception):
    """A reused keep-alive connection was closed by the server before it read the request."""


class Response:
    __slots__ = ('status', 'headers', 'body', 'json', 'malformed')

    def __init__(self, status, headers, body, data, malformed=False):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = data
        self.malformed = malformed  # announced (or looked like) JSON, but did not parse

    def header(self, name, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default


def server_message(data, text):
    """The server's own error message from the error bodies of MLflow, Harbor, Nexus or plain text."""
    if isinstance(data, str) and data.strip():  # Nexus: a JSON string
        return data.strip()
    message = _object_message(data) if isinstance(data, dict) else None
    if message is not None:
        return message
    if isinstance(data, list) and data and isinstance(data[0], dict):  # Nexus validation errors
        return '; '.join(str(e.get('message')) for e in data if e.get('message'))
    text = ' '.join((text or '').split())  # one line, even for an HTML or XML error page
    return text[:500] if text else 'no message in the response body'


def _object_message(data):
    """The message of a JSON object error body (Harbor, MLflow, Nexus, generic), or None."""
    if isinstance(data.get('errors'), list) and data['errors']:  # Harbor
        return '; '.join(str(e.get('message') or e.get('code')) for e in data['errors'] if isinstance(e, dict))
    if data.get('message'):  # MLflow (with error_code), Nexus, generic
        code = data.get('error_code')
        return '%s: %s' % (code, data['message']) if code else str(data['message'])
    if data.get('error'):
        return str(data['error'])
    return None


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def get_or_none(client, path, **kwargs):
    """GET path; None when the server answers 404 (the object does not exist), every other error raised."""
    try:
        return client.get(path, **kwargs)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


class _Outcome:
    """What one attempt of a request ended with, when it did not succeed: the error to report, the wait the
    server asked for (Retry-After) and whether the server gave no HTTP answer at all (refused, unreachable,
    timed out, dropped)."""

    def __init__(self, method, url, idempotent, expected, binary):
        self.method, self.url, self.idempotent, self.expected, self.binary = method, url, idempotent, expected, binary
        self.error = None
        self.wait = None
        self.unanswered = False

    def fail(self, error, wait=None, unanswered=False):
        self.error, self.wait, self.unanswered = error, wait, unanswered


class HttpClient:
    """A JSON HTTP client bound to one base URL.

    url_option names the option that set base_url, so connection errors can name the field to fix.
    """

    def __init__(self, base_url, username=None, password=None, token=None, validate_certs=True,
                 ca_path=None, timeout=30, max_attempts=5, max_retry_time=60.0, backoff_base=0.5,
                 backoff_cap=8.0, url_option='url', headers=None, sleep=time.sleep):
        if not base_url or not isinstance(base_url, str):
            raise ApiError('%s is required: give the base URL of the server, for example '
                           'https://server.example.com' % url_option, method='CONNECT', url=base_url)
        base_url, url_username, url_password = split_credentials(base_url)
        parts = urlsplit(base_url)
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise ApiError('%s must be an http:// or https:// URL with a host name, got %r'
                           % (url_option, base_url), method='CONNECT', url=base_url)
        self.base_url = base_url.rstrip('/')
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == 'https' else 80)
        self.base_path = parts.path.rstrip('/')
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.max_attempts = max(1, max_attempts)
        self.max_retry_time = max_retry_time
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.url_option = url_option
        self._sleep = sleep
        self._conn = None
        self._down = None  # (monotonic time, message, attempts) when no attempt reached the server
        self.down_memory = DOWN_MEMORY
        self.request_count = 0
        self.proxy = self._proxy_for(parts)
        self.default_headers = {'Accept': 'application/json', 'User-Agent': 'maestro.platform'}
        if headers:
            self.default_headers.update(headers)
        if token is None and username is None and password is None and url_username is not None:
            # https://user:password@host: used as MLflow's client (requests) uses it, unless given explicitly.
            username, password = url_username, url_password
        if token:
            self.default_headers['Authorization'] = 'Bearer %s' % token
        elif username is not None and password is not None:
            self.default_headers['Authorization'] = basic_auth(username, password)

    def _proxy_for(self, parts):
        """(host, port, Proxy-Authorization or None) from the *_PROXY environment, or None; NO_PROXY and
        the choice of variable follow urllib (getproxies/proxy_bypass), as ansible.builtin.uri does."""
        proxy = getproxies().get(self.scheme)
        if not proxy or proxy_bypass(parts.netloc.rpartition('@')[2]):
            return None
        if '://' not in proxy:
            proxy = 'http://' + proxy
        bare, username, password = split_credentials(proxy)
        proxy_parts = urlsplit(bare)
        if not proxy_parts.hostname:
            return None
        auth = basic_auth(username, password) if username is not None else None
        return proxy_parts.hostname, proxy_parts.port or 80, auth

    # -- connection -------------------------------------------------------------------------------
    def _ssl_context(self):
        if not self.validate_certs:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        if self.ca_path:
            return ssl.create_default_context(cafile=self.ca_path)
        return ssl.create_default_context()

    def _connection(self):
        if self._conn is None:
            host, port = (self.proxy[0], self.proxy[1]) if self.proxy else (self.host, self.port)
            if self.scheme == 'https':
                self._conn = http_client.HTTPSConnection(host, port, timeout=self.timeout,
                                                         context=self._ssl_context())
                if self.proxy:
                    # CONNECT host:port through the proxy, then TLS with the server (checked as self.host).
                    tunnel_headers = {'Proxy-Authorization': self.proxy[2]} if self.proxy[2] else None
                    self._conn.set_tunnel(self.host, self.port, headers=tunnel_headers)
            else:
                self._conn = http_client.HTTPConnection(host, port, timeout=self.timeout)
        return self._conn

    def _describe_route(self):
        return ' through the proxy %s:%s' % self.proxy[:2] if self.proxy else ''

    def close(self):
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    # -- requests ---------------------------------------------------------------------------------
    def url_for(self, path, query=None):
        full = self.base_path + path
        if query:
            pairs = [(k, v) for k, v in query.items() if v is not None]
            if pairs:
                full += '?' + urlencode(pairs, doseq=True)
        return full

    def _backoff(self, attempt):
        # Full jitter on an exponential ceiling (AWS architecture blog): spreads retries of parallel runs.
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))

    def _send_once(self, method, target, body, headers):
        reused = self._conn is not None
        conn = self._connection()
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        except (http_client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            self.close()
            if reused:
                # A kept-alive connection the server had already closed: the request never reached it.
                raise StaleConnection(exc)
            raise
        except Exception:
            self.close()
            raise
        if resp.getheader('Connection', '').lower() == 'close' or resp.will_close:
            self.close()
        return resp.status, resp.getheaders(), raw

    def request(self, method, path, query=None, json_body=None, data=None, content_type=None,
                headers=None, expected=None, idempotent=None, binary=False):
        """Send one request; return a Response. Raises ApiError for non-2xx (or not in expected).

        idempotent: whether repeating the request is safe after a dropped connection or a 502/504.
        Defaults by HTTP method; pass True for POST endpoints that only set state (MLflow's set-tag).
        binary: a successful body is bytes, whatever its Content-Type says (MinIO sends its encrypted
        admin answers as application/json); it is neither parsed nor judged malformed. Error bodies are
        still parsed.

        Three steps: build the request (_prepare), send it once and classify the outcome (_attempt), and
        the retry policy here (how often, how long, when to remember that the server is down).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        target, url, body, hdrs = self._prepare(method, path, query, json_body, data, content_type, headers)
        self._refuse_if_down(method, url)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            outcome = _Outcome(method, url, idempotent, expected, binary)
            response = self._attempt(outcome, target, body, hdrs)
            if response is not None:
                return response
            wait = outcome.wait if outcome.wait is not None else self._backoff(attempt)
            if attempt >= self.max_attempts or time.monotonic() - started + wait > self.max_retry_time:
                raise self._give_up(outcome.error, attempt, started, outcome.unanswered)
            self._report_retry(outcome.error, attempt, wait)
            self._sleep(wait)

    def _prepare(self, method, path, query, json_body, data, content_type, headers):
        """(request target, full URL for messages, body bytes, headers) of one request."""
        target = self.url_for(path, query)
        url = '%s://%s:%s%s' % (self.scheme, self.host, self.port, target)
        hdrs = dict(self.default_headers)
        if self.proxy and self.scheme == 'http':
            target = url  # a plain-HTTP proxy is sent the absolute URL (RFC 9112 3.2.2)
            if self.proxy[2]:
                hdrs['Proxy-Authorization'] = self.proxy[2]
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode('utf-8')
            hdrs['Content-Type'] = 'application/json'
        elif data is not None:
            body = data.encode('utf-8') if isinstance(data, str) else data
            hdrs['Content-Type'] = content_type or 'application/octet-stream'
        if headers:
            hdrs.update(headers)
        return target, url, body, hdrs

    def _refuse_if_down(self, method, url):
        if self._down is None:
            return
        down_since, reason, attempts = self._down
        if time.monotonic() - down_since < self.down_memory:
            # The same server did not answer any attempt moments ago (an earlier item of this loop):
            # fail at once with the same message instead of retrying for seconds again.
            raise ApiError('%s (not tried again: no answer to %d attempts %.0f s ago)'
                           % (reason, attempts, time.monotonic() - down_since), method=method, url=url)
        self._down = None

    def _attempt(self, outcome, target, body, hdrs):
        """Send once. Returns the Response on success; otherwise records a retryable failure in outcome
        (error, wait, unanswered) and returns None; raises ApiError when repeating is not allowed."""
        self.request_count += 1
        try:
            try:
                status, resp_headers, raw = self._send_once(outcome.method, target, body, hdrs)
            except StaleConnection:
                status, resp_headers, raw = self._send_once(outcome.method, target, body, hdrs)
        # Every exception is classified by _transport_failure, which re-raises what it does not know.
        except Exception as exc:  # pylint: disable=broad-except
            self._transport_failure(outcome, exc)
            return None
        return self._answer(outcome, status, resp_headers, raw)

    def _transport_failure(self, outcome, exc):
        """No HTTP answer: raise for a TLS problem or a request unsafe to repeat, else record it."""
        method, url = outcome.method, outcome.url
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise ApiError('TLS certificate verification failed (%s). Give the CA bundle that signed '
                           'the server certificate in ca_path, or set validate_certs=false only for '
                           'a test server' % getattr(exc, 'verify_message', exc), method=method, url=url)
        if isinstance(exc, ssl.SSLError):
            raise ApiError('TLS error: %s' % exc, method=method, url=url)
        if isinstance(exc, (socket.timeout, TimeoutError)):
            error = ApiError('no response within %s seconds (timeout); the server at %s is slow or '
                             'hanging%s' % (self.timeout, self.url_option, self._describe_route()),
                             method=method, url=url)
        elif isinstance(exc, (ConnectionRefusedError, socket.gaierror)):
            # Nothing reached the server: any request may be repeated.
            outcome.fail(ApiError('cannot connect%s (%s); check %s=%s and that the server is running'
                                  % (self._describe_route(), exc.strerror or exc, self.url_option,
                                     self.base_url), method=method, url=url), unanswered=True)
            return
        elif isinstance(exc, (http_client.HTTPException, OSError)):
            error = ApiError('connection dropped%s (%s: %s)' % (self._describe_route(), type(exc).__name__, exc),
                             method=method, url=url)
        else:
            raise exc
        if not outcome.idempotent:
            raise error
        outcome.fail(error, unanswered=True)

    def _answer(self, outcome, status, resp_headers, raw):
        """An HTTP answer: the Response on success; raise or record a retryable failure otherwise."""
        ok = (status in outcome.expected) if outcome.expected else (200 <= status < 300)
        response = self._build_response(status, resp_headers, raw, parse=not (ok and outcome.binary))
        if ok and not response.malformed:
            return response
        if ok:
            # A success whose JSON body is cut or garbled (a proxy, a dying server): the outcome is
            # unknown, so only a request that is safe to repeat is sent again.
            error = ApiError('the server answered HTTP %s with a body that is not valid JSON (%d bytes)'
                             % (status, len(raw)), status=status, method=outcome.method, url=outcome.url,
                             request_id=response.header('X-Request-Id'))
            if not outcome.idempotent:
                raise error
            outcome.fail(error)
            return None
        error = self._error(outcome.method, outcome.url, response)
        if status not in RETRY_STATUSES or not (outcome.idempotent or status in REFUSED_STATUSES):
            raise error
        outcome.fail(error, wait=retry_after_seconds(response.header('Retry-After')))
        return None

    def _give_up(self, error, attempts, started, unanswered):
        if unanswered:
            self._down = (time.monotonic(), error.message, attempts)
        if attempts > 1:
            error.message = '%s (gave up after %d attempts in %.0f s)' % (error.message, attempts,
                                                                          time.monotonic() - started)
            error.args = (error.message,)
        error.attempts = attempts
        return error

    def _report_retry(self, error, attempt, wait):
        reporter = _retry_reporter
        if reporter is not None:
            reporter('%s; retrying in %.1f s (attempt %d of at most %d failed)'
                     % (error, wait, attempt, self.max_attempts))

    @staticmethod
    def _build_response(status, headers, raw, parse=True):
        data = None
        malformed = False
        if raw and parse:
            ctype = ''
            for key, value in headers:
                if key.lower() == 'content-type':
                    ctype = value
            announced = 'json' in ctype
            if announced or raw[:1] in (b'{', b'['):
                try:
                    data = json.loads(raw.decode('utf-8'))
                except ValueError:
                    # Only a body that says it is JSON is malformed; one that merely starts like JSON
                    # (binary data, text) is left as bytes.
                    malformed = announced
        return Response(status, headers, raw, data, malformed)

    @staticmethod
    def _error(method, url, response):
        text = response.body.decode('utf-8', 'replace') if response.body else ''
        message = server_message(response.json, text)
        if response.status == 401:
            message += ' (check the username/password or token)'
        error_code = response.json.get('error_code') if isinstance(response.json, dict) else None
        return ApiError(message, status=response.status, method=method, url=url,
                        request_id=response.header('X-Request-Id'), body=response.json,
                        error_code=error_code)

    # -- JSON helpers ----------------------------------------------------------------------------
    def get(self, path, query=None, **kwargs):
        return self.request('GET', path, query=query, **kwargs).json

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, json_body=body, **kwargs).json

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, json_body=body, **kwargs).json

    def patch(self, path, body=None, **kwargs):
        return self.request('PATCH', path, json_body=body, **kwargs).json

    def delete(self, path, query=None, body=None, **kwargs):
        return self.request('DELETE', path, query=query, json_body=body, **kwargs).json


def basic_auth(username, password):
    """The Authorization header value for HTTP basic auth."""
    raw = ('%s:%s' % (username, password)).encode('utf-8')
    return 'Basic %s' % base64.b64encode(raw).decode('ascii')


def signs_in(client, path, username, password, query=None):
    """Whether username/password are accepted by a GET of path (servers never return a password, so a
    write-only password is compared by signing in with it): 401 says no; 403 is a valid sign-in that lacks a
    permission; any other error is raised."""
    try:
        client.request('GET', path, query=query, headers={'Authorization': basic_auth(username, password)})
    except ApiError as exc:
        if exc.status == 401:
            return False
        if exc.status == 403:
            return True
        raise
    return True


def path_quote(value):
    """Quote one path segment (a name may hold '/' or spaces)."""
    return quote(str(value), safe='')
