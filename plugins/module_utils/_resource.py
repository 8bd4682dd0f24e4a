# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the shared resource engine of maestro.platform. Not a public API; it may change at any time.
"""The declarative resource engine every maestro.platform module is built on.

A module declares a Resource subclass: its options, how to read the current object (normalised to a plain
dict), how to build the desired object from the options (options left unset keep the current value, so
they are not managed), and how to create, update and delete. converge() does the rest, the same way for
every module:

    read current -> validate -> build desired -> compare -> write only the difference -> re-read

with check mode (no writes; `changed` and the predicted object are returned) and diff mode (before/after).

The logic is a function of (parameters, check mode, client) so it runs both inside an ordinary module
(run_module) and in-process on the controller through the collection's action plugin
(plugin_utils/_fast_action.py), which reuses one HTTP client across loop items.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.maestro.platform.plugins.module_utils._http import (
    ApiError, HttpClient, set_retry_reporter, url_secrets)


class ModuleFailure(Exception):
    """Stop the module with one clear sentence; extra keys go into the failed result."""

    def __init__(self, msg, **extra):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.extra = extra


def http_client(params, base_url, url_option='url', prefix=''):
    """The HTTP client of a REST service from the connection options every service has (username, password,
    token, validate_certs, ca_path, timeout); prefix names where they sit in errors (e.g. 'source.')."""
    if params.get('timeout') is not None and params['timeout'] <= 0:
        raise ModuleFailure('%stimeout must be a positive number of seconds, got %s' % (prefix, params['timeout']))
    try:
        return HttpClient(base_url, username=params.get('username'), password=params.get('password'),
                          token=params.get('token'), validate_certs=params.get('validate_certs', True),
                          ca_path=params.get('ca_path'), timeout=params.get('timeout') or 30,
                          url_option=prefix + url_option)
    except ApiError as exc:
        raise ModuleFailure(exc.message)


class Operation:
    """Base for every module's logic: options, the client factory and the result bookkeeping."""

    #: the module's own options (connection options are added by the service base class)
    module_options = {}
    #: the service's connection options (set once per service)
    connection_options = {}
    #: AnsibleModule keyword arguments besides argument_spec (mutually_exclusive, required_if, ...)
    module_kwargs = {}
    #: the service name, also the name of its action group and the key of the client cache
    service = None
    #: options that must be given as strings: Ansible would silently turn a list or a number into one
    strict_strings = ('name',)
    #: result keys that may carry a secret the server generated (no option's value, so no_log does not know
    #: it): a result holding one is shown censored, while the registered variable keeps it
    returned_secrets = ()

    def __init__(self, params, client, check_mode=False, diff_mode=False):
        self.params = params
        self.client = client
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warnings = []
        self.deprecations = []

    @classmethod
    def argument_spec(cls):
        spec = copy.deepcopy(cls.connection_options)
        spec.update(copy.deepcopy(cls.module_options))
        return spec

    @classmethod
    def client_key(cls, params):
        """What identifies a reusable client: the connection options (secrets included, never shown)."""
        return (cls.service,) + tuple(sorted((k, repr(params.get(k))) for k in cls.connection_options))

    @classmethod
    def check_raw_types(cls, raw_args):
        """Refuse non-string values for strict_strings before Ansible converts them (raw task args)."""
        for field in cls.strict_strings:
            value = (raw_args or {}).get(field)
            if value is None or isinstance(value, str):
                continue
            if isinstance(value, (list, tuple, dict)):
                raise ModuleFailure('%s must be a string, got a %s: %r' % (
                    field, 'list' if isinstance(value, (list, tuple)) else 'dict', value))
            kind = 'a boolean' if isinstance(value, bool) else 'the number'
            raise ModuleFailure('%s must be a string, got %s %r; quote it in the task if it is meant as '
                                'text, e.g. %s: "%s"' % (field, kind, value, field, value))

    @classmethod
    def make_client(cls, params):
        raise NotImplementedError('%s does not say how to connect' % cls.__name__)

    def warn(self, message):
        self.warnings.append(message)

    def deprecate(self, message, version=None, date=None):
        self.deprecations.append({'msg': message, 'version': version, 'date': date,
                                  'collection_name': 'maestro.platform'})

    def run(self):
        raise NotImplementedError

    def execute(self):
        """Run the operation; return the result dict. Raises ModuleFailure."""
        try:
            result = self.run()
        except ApiError as exc:
            raise ModuleFailure(self.api_failure_message(exc), status=exc.status,
                                request_id=exc.request_id)
        if self.warnings:
            result['warnings'] = list(self.warnings)
        if self.deprecations:
            result['deprecations'] = list(self.deprecations)
        return result

    def api_failure_message(self, exc):
        return str(exc)


class Resource(Operation):
    """A resource with state present/absent, converged by converge()."""

    #: the result key holding the final state, named after the resource (experiment, project, ...)
    result_key = 'resource'
    #: human name used in messages ("MLflow experiment")
    kind = 'resource'
    #: True when desired() returns the whole object (every key read() returns, unmanaged ones copied from
    #: current): then any difference counts, including keys a purge removes from a nested mapping.
    #: False: differs() semantics, keys absent from desired (or None) are not managed.
    complete_desired = False

    def describe(self):
        return "%s '%s'" % (self.kind, self.params.get('name'))

    # -- to implement ---------------------------------------------------------------------------
    def validate(self):
        """Check the options before any request; raise ModuleFailure naming the field."""

    def validate_against(self, current):
        """Checks that need the current object (create-only fields ...), before any write.
        current is None when nothing exists, and may be a tombstone (see exists())."""

    def read(self):
        """The current object, normalised, or None if it does not exist."""
        raise NotImplementedError

    def exists(self, current):
        return current is not None

    def desired(self, current):
        """The object as it should be; options left unset take their value from current
        (None when nothing exists, possibly a tombstone)."""
        raise NotImplementedError

    def create(self, desired):
        raise NotImplementedError

    def update(self, current, desired):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def restore(self, tombstone, desired):
        """Bring back a soft-deleted object (only for resources whose exists() can be False)."""
        raise NotImplementedError

    def validate_delete(self, current):
        """Checks before deleting an existing object (in check mode too): raise ModuleFailure to refuse."""

    def absent_view(self, current):
        """The predicted object after a delete (None when it disappears)."""
        return None

    def public(self, obj):
        """The object as returned and diffed (drop anything secret or internal)."""
        return obj

    # -- read-ahead (optional) ---------------------------------------------------------------
    # A resource that one list call can read together with its siblings (every experiment, every
    # repository, every member of one project) implements these three; the fast path then reads a long
    # loop's resources with one listing instead of one request each (see ReadAhead).
    def batch_scope(self):
        """A hashable name of the collection this resource is listed in, or None (no read-ahead)."""
        return None

    def batch_key(self):
        """This resource's key in read_batch()'s mapping."""
        return self.params.get('name')

    def read_batch(self):
        """{batch_key: object normalised exactly as read() returns it} for the whole scope, or None when
        the collection is too large to list (read-ahead is then not used for this scope)."""
        return None

    # -- engine ---------------------------------------------------------------------------------
    #: set by the fast path (plugin_utils/_fast_action.py) to the loop's ReadAhead; None in a module
    read_ahead = None

    def run(self):
        self.validate()
        return with_read_ahead(self)

    def _converge(self, current):
        """Converge from current (None when nothing exists; possibly a tombstone, see exists())."""
        exists = self.exists(current)
        before = self.public(current) if exists else None
        if self.params.get('state', 'present') == 'absent':
            if not exists:
                return self._result(False, before, self._shown(current))
            self.validate_delete(current)
            if self.check_mode:
                return self._result(True, before, self.absent_view(current))
            self._write('delete', self.delete, current)
            return self._result(True, before, self._shown(self.read()))

        # validate_against and desired see a tombstone so that it can be restored rather than re-created.
        self.validate_against(current)
        desired = self.desired(current)
        if exists and not self._differs(desired, current):
            return self._result(False, before, before)
        if self.check_mode:
            return self._result(True, before, self.public(desired))
        if exists:
            self._write('update', self.update, current, desired)
        elif current is not None:
            self._write('restore', self.restore, current, desired)
        else:
            self._create_or_join(desired)
        return self._result(True, before, self.public(self.read()))

    def settled(self, current):
        """The result when current (an object as a loop's listing shows it) needs nothing, else None (decide
        on a fresh read). Never writes, never predicts a change."""
        exists = self.exists(current)
        if self.params.get('state', 'present') == 'absent':
            return None if exists else self._result(False, None, self._shown(current))
        if not exists:
            return None
        try:
            self.validate_against(current)
        except ModuleFailure:
            return None  # decided on a fresh read, which reports the failure if it is still true
        if self._differs(self.desired(current), current):
            return None
        before = self.public(current)
        return self._result(False, before, before)

    def _shown(self, obj):
        return self.public(obj) if obj is not None else None

    def _differs(self, desired, current):
        return desired != current if self.complete_desired else differs(desired, current)

    def _create_or_join(self, desired):
        """Create; if another run created the object between our read and our create (two playbooks
        converging the same resources), converge the object that is there instead of failing."""
        try:
            self.create(desired)
            return
        except ApiError as exc:
            failure = ModuleFailure('Failed to create %s: %s' % (self.describe(), exc), status=exc.status,
                                    request_id=exc.request_id)
            if not self.lost_create_race(exc):
                raise failure
        current = self.read()
        if not self.exists(current):
            raise failure
        self.validate_against(current)
        desired = self.desired(current)
        if self._differs(desired, current):
            self._write('update', self.update, current, desired)

    def lost_create_race(self, exc):
        """Whether a failed create means "it exists now" (409; MLflow's RESOURCE_ALREADY_EXISTS)."""
        return exc.status == 409 or exc.error_code == 'RESOURCE_ALREADY_EXISTS'

    def _write(self, verb, func, *args):
        try:
            func(*args)
        except ApiError as exc:
            raise ModuleFailure('Failed to %s %s: %s' % (verb, self.describe(), exc),
                                status=exc.status, request_id=exc.request_id)

    def api_failure_message(self, exc):
        return 'Failed to read %s: %s' % (self.describe(), exc)

    def _result(self, changed, before, after):
        result = {'changed': changed, self.result_key: after if after is not None else {}}
        if self.diff_mode:
            result['diff'] = {'before': before if before is not None else {},
                              'after': after if after is not None else {}}
        return result


#: the most objects a loop's read-ahead lists per collection (a loop over a few items of a huge server reads
#: them one by one instead)
READ_AHEAD_LIMIT = 5000


class ReadAhead:
    """The read-ahead of one loop (one task on one host, in the fast path's worker process).

    Items are read one by one until two of them in a row needed no change (so a loop of one or two items,
    or a first run that creates everything, never lists); from then on, each scope (a collection, e.g.
    the members of one project) is listed when first needed and its items are answered from the listing.
    A listed object is only ever used to conclude "nothing to change": when the listing shows a difference
    (or the object is missing), the engine reads the object again and decides on that, so a write never
    rests on a listing. A scope is listed again after max_age seconds; an object this loop wrote is read
    one by one from then on. A result answered from a listing carries `read_ahead_age`: the seconds since
    that listing (the returned object is as the listing showed it), so a user reading returned values
    knows their age; results of single reads have no such key.
    """

    MISS = object()
    #: unchanged single reads in a row before the loop starts listing
    singles_before_listing = 2
    max_age = 120.0

    def __init__(self, clock=None):
        import time
        self._clock = clock or time.monotonic
        self._listings = {}  # scope -> (time listed, {key: object} or None when not listable)
        self._unchanged = 0  # single reads in a row that found nothing to change
        self._memos = {}
        self._written = set()  # (scope, key) written by this loop
        self.listings = 0

    def lookup(self, resource):
        scope = resource.batch_scope()
        if scope is None:
            return self.MISS
        key = resource.batch_key()
        if (scope, key) in self._written:
            return self.MISS
        listing = self._listings.get(scope)
        if listing is not None and listing[1] is not None and self._clock() - listing[0] > self.max_age:
            listing = None
        if listing is None:
            if self._unchanged < self.singles_before_listing:
                return self.MISS
            try:
                objects = resource.read_batch()
            except (ApiError, ModuleFailure):
                objects = None  # e.g. no permission to list: read one by one, as without read-ahead
            listing = self._listings[scope] = (self._clock(), objects)
            self.listings += 1
        if listing[1] is None:
            return self.MISS
        return listing[1].get(key)

    def age(self, resource):
        """Seconds since the listing lookup() answered resource from (rounded to 0.1 s)."""
        listing = self._listings.get(resource.batch_scope())
        return round(self._clock() - listing[0], 1) if listing is not None else None

    def memo(self, key, load):
        """A value the loop's listings need (e.g. project ids by name), loaded once per max_age."""
        entry = self._memos.get(key)
        if entry is None or self._clock() - entry[0] > self.max_age:
            entry = self._memos[key] = (self._clock(), load())
        return entry[1]

    def observe(self, changed):
        """The outcome of an item decided on a single read."""
        self._unchanged = 0 if changed else self._unchanged + 1

    def forget(self, resource):
        """resource was written: its listed state is out of date."""
        scope = resource.batch_scope()
        if scope is not None:
            self._written.add((scope, resource.batch_key()))


def with_read_ahead(resource):
    """Resource.run's converge with the loop's read-ahead (see ReadAhead; resource.read_ahead is None outside
    the fast path): answered from a listing only when it shows nothing to change, otherwise converged on a
    single read; an object written is read one by one from then on."""
    ahead = resource.read_ahead
    cached = ahead.lookup(resource) if ahead is not None else ReadAhead.MISS
    if cached is not ReadAhead.MISS:
        result = resource.settled(cached)
        if result is not None:
            # The returned object is the loop's listing of it, not a read made for this item: say how old.
            result['read_ahead_age'] = ahead.age(resource)
            return result
    # No listing, or it shows something to do: decide on a fresh read, never write on a listing's strength.
    result = resource._converge(resource.read())
    if ahead is not None:
        if cached is ReadAhead.MISS:
            ahead.observe(result['changed'])
        if result['changed'] and not resource.check_mode:
            ahead.forget(resource)
    return result


class Info(Operation):
    """A read-only query (the *_info modules): check mode safe by construction."""


def differs(desired, current):
    """True when a desired value differs from the current one. Keys absent from desired, and None
    values in it, are not managed; dicts compare key by key, lists in order."""
    if desired is None:
        return False
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return True
        return any(differs(value, current.get(key)) for key, value in desired.items())
    if isinstance(desired, list):
        if not isinstance(current, list) or len(desired) != len(current):
            return True
        return any(differs(d, c) for d, c in zip(desired, current))
    return desired != current


def desired_mapping(current, wanted, purge):
    """A tags/labels dict as it should be: wanted added to current, or replacing it when purge."""
    if wanted is None:
        return dict(current or {})
    if purge:
        return dict(wanted)
    result = dict(current or {})
    result.update(wanted)
    return result


def mapping_changes(current, desired):
    """(to_set, to_remove) between two flat dicts."""
    current = current or {}
    to_set = dict((k, v) for k, v in desired.items() if current.get(k) != v or k not in current)
    to_remove = sorted(k for k in current if k not in desired)
    return to_set, to_remove


def require_name(params, field='name', kind='name'):
    value = params.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ModuleFailure('%s must be a non-empty string, got %r' % (field, value))
    if value != value.strip():
        raise ModuleFailure('%s must not start or end with white space, got %r' % (field, value))
    return value


def secret_values(argument_spec, params):
    """What must never be shown: the values of no_log options (as AnsibleModule censors them) and the
    credentials written inside any URL option (https://user:password@host)."""
    found = set()

    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                leaves(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                leaves(item)
        elif value is not None and not isinstance(value, bool):
            found.add(str(value))

    def walk(spec, values):
        if not isinstance(values, dict):
            return
        for name, option in spec.items():
            value = values.get(name)
            if value is None:
                continue
            if option.get('no_log'):
                leaves(value)
            elif isinstance(value, str):
                found.update(url_secrets(value))
            elif option.get('options'):
                for item in value if isinstance(value, list) else [value]:
                    walk(option['options'], item)

    walk(argument_spec, params or {})
    return set(v for v in found if v)


def alias_warnings(argument_spec, raw_args):
    """The warning AnsibleModule gives when both an option and its alias are set (top level)."""
    raw_args = raw_args or {}
    return ['Both option %s and its alias %s are set.' % (name, alias)
            for name, option in argument_spec.items() if name in raw_args
            for alias in option.get('aliases') or () if alias in raw_args]


def run_module(operation_cls):
    """main() of an ordinary module: the same logic the action plugin runs in-process."""
    module = AnsibleModule(argument_spec=operation_cls.argument_spec(), supports_check_mode=True,
                           **operation_cls.module_kwargs)
    # Credentials inside a URL option are secrets too (AnsibleModule only knows the no_log options).
    module.no_log_values.update(secret_values(operation_cls.argument_spec(), module.params))
    set_retry_reporter(module.warn)
    try:
        operation_cls.check_raw_types(_load_params())
        client = operation_cls.make_client(module.params)
        operation = operation_cls(module.params, client, module.check_mode, module._diff)
        result = operation.execute()
    except ModuleFailure as exc:
        module.fail_json(msg=exc.msg, **exc.extra)
    except ApiError as exc:
        module.fail_json(msg=str(exc), status=exc.status)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    for dep in result.pop('deprecations', []):
        module.deprecate(dep['msg'], version=dep.get('version'), date=dep.get('date'),
                         collection_name=dep.get('collection_name'))
    module.exit_json(**result)
