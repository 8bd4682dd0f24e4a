"""Shared machinery of the fault tests: backends (the emulators, and the fault proxy in front of the real
servers), the in-process runner of a module's logic and the classification of one fault case.

A case: prepare the prerequisites without faults, inject one fault at the first request of the change or in
its middle (the Nth request, N from a fault-free baseline of the same change), run the module's logic
in-process with a real HttpClient (or boto3) and classify:

- recovered: the run succeeded and a fault-free check-mode run of the same task reports no change (the
  end state, read back by the module, is the desired one); for *_info modules the answer equals a
  fault-free answer. A 429 must have been waited out for its Retry-After.
- failed cleanly: the run failed with one sentence (one line, no traceback, naming the resource), and a
  fault-free rerun converges (nothing was left half-configured beyond what a rerun repairs).
- other: anything else (a crash, a success that did not converge, a multi-line or anonymous message, a
  state a rerun cannot repair). The suite requires 0.
"""

import time
import traceback
import uuid

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.maestro.platform.plugins.module_utils._http import HttpClient
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info, ModuleFailure

# The client timeout during the fault cases (seconds): the emulators answer in milliseconds, the real
# servers in tens of milliseconds. A 'slow' fault answers SLOW_MARGIN seconds after the timeout.
EMULATOR_TIMEOUT = 0.3
SERVER_TIMEOUT = 0.6
SLOW_MARGIN = 0.25
KINDS = {
    '500': ('status', {'status': 500}),
    '502': ('status', {'status': 502}),
    '503': ('status', {'status': 503}),
    '429': ('429', {'retry_after': 1}),
    'drop': ('drop', {}),
    'slow': ('slow', {}),
    'malformed': ('malformed', {}),
}
POSITIONS = ('first', 'middle')

SLEEPS = []


def fast_sleep(seconds):
    """Record the back-off the client asked for, wait only a token time (the suite must stay fast)."""
    SLEEPS.append(seconds)
    time.sleep(min(seconds, 0.01))


class FastTime:
    """botocore.endpoint's `time` with a recording sleep (botocore's own retries)."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def sleep(seconds):
        fast_sleep(seconds)


def _patch_client(client, timeout):
    from ansible_collections.maestro.platform.plugins.module_utils._minio import S3Connection
    from ansible_collections.maestro.platform.plugins.module_utils._minio_admin import MinioAdmin

    http = None
    if hasattr(client, 'destination'):  # mlflow_migrate: the source server and the destination
        _patch_client(client.source, timeout)
        http = client.destination
    elif isinstance(client, HttpClient):
        http = client
    elif isinstance(client, MinioAdmin):
        http = client.http
    elif isinstance(client, S3Connection):
        factory = client._admin_factory

        def admin_factory(params):
            admin = factory(params)
            admin.http._sleep = fast_sleep
            admin.http.timeout = timeout
            return admin

        client._admin_factory = admin_factory
        client._params['timeout'] = timeout  # boto3's connect/read timeouts
    if http is not None:
        http._sleep = fast_sleep
        http.timeout = timeout


def _close(client):
    for http in (client, getattr(client, 'http', None), getattr(client, '_admin', None),
                 getattr(client, 'source', None), getattr(client, 'destination', None)):
        if isinstance(http, HttpClient):
            http.close()
        elif http is not None and isinstance(getattr(http, 'http', None), HttpClient):
            http.http.close()


def execute(cls, args, check=False, timeout=None):
    """Run one module's logic in-process, as the action plugin does; the result dict or ModuleFailure."""
    validated = ArgumentSpecValidator(cls.argument_spec(), **cls.module_kwargs).validate(dict(args))
    if validated.error_messages:
        raise AssertionError('test arguments rejected: %s' % validated.error_messages)
    params = validated.validated_parameters
    client = cls.make_client(params)
    _patch_client(client, timeout or 30)
    try:
        return cls(params, client, check, True).execute()
    finally:
        _close(client)


class Backend:
    """One server the modules talk to, with the emulator framework's fault API."""

    def __init__(self, family, server, connection, resettable, timeout=EMULATOR_TIMEOUT):
        self.timeout = timeout
        self.family = family
        self.server = server
        self._connection = connection
        self.resettable = resettable

    def connection(self):
        return self._connection()

    def total(self):
        return self.server.requests['total']

    def inject(self, kind, **options):
        return self.server.inject(kind, **options)

    def pending_faults(self):
        return list(self.server.faults)

    def clear_faults(self):
        del self.server.faults[:]

    def reset(self):
        if self.resettable:
            violations = list(self.server.violations)
            assert not violations, 'spec violations before reset: %s' % violations
            self.server.reset()


class Scenario:
    def __init__(self, family, module, name, cls, setup, ident=None):
        self.family, self.module, self.name, self.cls, self.setup = family, module, name, cls, setup
        self.ident = ident  # lambda args: the identifier a failure message must name

    @property
    def id(self):
        return '%s-%s' % (self.module, self.name)


class Context:
    """What a scenario's setup gets: a fresh name prefix and a fault-free runner for prerequisites."""

    def __init__(self, backend):
        self.backend = backend
        self.p = 'r%s' % uuid.uuid4().hex[:8]

    def run(self, cls, **args):
        full = dict(self.backend.connection(), **args)
        return execute(cls, full)


BASELINES = {}


def baseline_requests(scenario, backend):
    """How many requests the change makes without faults (measured once per scenario)."""
    if scenario.id not in BASELINES:
        backend.reset()
        ctx = Context(backend)
        args = dict(backend.connection(), **scenario.setup(ctx))
        before = backend.total()
        result = execute(scenario.cls, args)
        BASELINES[scenario.id] = backend.total() - before
        if not issubclass(scenario.cls, Info):
            assert result['changed'], 'baseline of %s made no change: the scenario tests nothing' % scenario.id
    return BASELINES[scenario.id]


def _message_problem(msg, ident):
    if not isinstance(msg, str) or not msg.strip():
        return 'empty failure message'
    if '\n' in msg.strip():
        return 'failure message spans several lines: %r' % msg[:300]
    if 'Traceback' in msg:
        return 'failure message holds a traceback'
    if ident and ident not in msg:  # writes must say which resource may be half-configured
        return 'failure message does not name %r: %r' % (ident, msg[:300])
    return None


def run_case(scenario, backend, kind_name, position):
    """Classify one case; returns (outcome, detail)."""
    kind, options = KINDS[kind_name]
    options = dict(options)
    if kind == 'slow':
        options['seconds'] = backend.timeout + SLOW_MARGIN
    total = baseline_requests(scenario, backend)
    if position == 'middle' and total < 2:
        return None, 'a single-request operation has no middle'
    at = 1 if position == 'first' else max(2, (total + 1) // 2)
    backend.reset()
    ctx = Context(backend)
    task = scenario.setup(ctx)
    args = dict(backend.connection(), **task)
    ident = scenario.ident(task) if scenario.ident else None
    backend.inject(kind, times=1, at=at, **options)
    del SLEEPS[:]
    outcome, result, msg = None, None, None
    try:
        result = execute(scenario.cls, args, timeout=backend.timeout)
    except ModuleFailure as exc:
        msg = exc.msg
    except Exception as exc:  # noqa: BLE001 - a crash is exactly what this suite looks for
        outcome = 'other'
        detail = 'crashed with %s: %s (%s)' % (type(exc).__name__, exc,
                                                traceback.format_exc(limit=-2).strip().splitlines()[-3:])
    pending = backend.pending_faults()
    backend.clear_faults()
    if kind == 'slow':
        # The client gave up on the slow request at least `timeout` after sending it: it lands within
        # SLOW_MARGIN from now. Let it land before reading back.
        time.sleep(SLOW_MARGIN + 0.1)
    assert not pending, 'the fault was never reached (at=%s of %s requests): the case tests nothing' % (at, total)
    if outcome == 'other':
        return outcome, detail
    try:
        if result is not None:
            if issubclass(scenario.cls, Info):
                clean = execute(scenario.cls, args)
                if clean != result:
                    return 'other', 'succeeded with a different answer than a fault-free run: %r vs %r' % (
                        result, clean)
            else:
                check = execute(scenario.cls, args, check=True)
                if check['changed']:
                    return 'other', 'reported success but the state is not the desired one (a check-mode rerun ' \
                                    'still wants a change: %r)' % (check.get('diff'),)
                if task.get('state', 'present') == 'present' and not result.get(scenario.cls.result_key):
                    return 'other', 'reported success without the resource in its result: %r' % (result,)
            if kind == '429' and scenario.family != 's3' and 1 not in SLEEPS and 1.0 not in SLEEPS:
                return 'other', 'recovered without waiting the Retry-After (sleeps: %r)' % SLEEPS
            return 'recovered', 'after %d back-off(s)' % len(SLEEPS)
        problem = _message_problem(msg, None if issubclass(scenario.cls, Info) else ident)
        if problem:
            return 'other', problem
        rerun = execute(scenario.cls, args)
        if not issubclass(scenario.cls, Info):
            again = execute(scenario.cls, args, check=True)
            if again['changed']:
                return 'other', 'after the failure a fault-free rerun did not converge: %r' % (again.get('diff'),)
        return 'failed cleanly', '%s (rerun changed=%s)' % (msg, rerun.get('changed'))
    except ModuleFailure as exc:
        return 'other', 'the fault-free rerun after the fault failed: %s (first message: %s)' % (exc.msg, msg)
