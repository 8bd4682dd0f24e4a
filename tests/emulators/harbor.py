# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""A stateful Harbor v2.15.2 API emulator (test support, not shipped).

Harbor cannot run on our machines. This emulator serves the Harbor REST API v2.0 under /api/v2.0 and
checks every request and response against Harbor's own description (../shared/specs/harbor-openapi3.yaml,
converted from harbor-swagger.yaml at tag v2.15.2), through tests/emulators/framework.py.

Usage::

    with HarborEmulator(admin_password=pw, user_password=pw2) as harbor:
        harbor.url            # http://127.0.0.1:PORT/api/v2.0
        harbor.base_url       # http://127.0.0.1:PORT  (what a module's `url` option takes)
        harbor.seed_repository('team', 'app/web')        # a project with content: DELETE gives 412
        harbor.add_user('alice', pw3); harbor.add_group('devs', group_type=3); harbor.delete_user('developer')
        harbor.project('team'), harbor.robot('robot$team+ci')   # stored records, for assertions
        harbor.writes, harbor.requests, harbor.inject(...), harbor.assert_no_violations()

Users: ``admin`` (system admin, password given by the test: no default password in code) and, when
``user_password`` is given, ``developer`` (USER_NAME, not an admin: 403 on admin endpoints). Robot
accounts can authenticate with their full name and secret (as a non-admin that can read the projects
its permissions name).

Authentication (security middleware): missing or wrong credentials do not fail by themselves, Harbor
falls back to an anonymous context: GET /projects then lists public projects only, a public project
and its repositories can be read, and everything else answers 401 "unauthorized". A project that does
not exist gives 404 only to a system admin; other users get 403 and anonymous callers 401, because
RequireProjectAccess runs before the lookup (goharbor/harbor#17586, #19342, #21800).

Errors: Harbor's {"errors": [{"code", "message"}]}. A request the spec rejects gets what go-swagger
gives inside Harbor: 422 UNPROCESSABLE_ENTITY "validation failure list:\n..." (the lines are
openapi-core's wording); a JSON null counts as an absent field, as in go-swagger's binding. Explicit
messages (WithMessage) are Harbor's own wording. Where Harbor wraps the reason as the cause of
BadRequestError/ConflictError/NotFoundError/PreconditionFailedError, the client gets "bad request:
<reason>" (Error.MarshalJSON marshals Error(), which appends the cause: src/lib/errors/errors.go;
harbor_common._bad_cause and its siblings); only errors >= 500 are reduced to "internal server error"
(lib/http SendError). Every error site of the mixins cites the Harbor v2.15.2 source of its status,
code and message (handler, controller, manager or dao) in a comment or its docstring; the wording of
Go library errors inside a message (strconv, robfig/cron v3.0.1, net/url) is reproduced for the
common cases. tests/harness/test_emulator_harbor.py checks the shape (status, code, message) of each
class of error.

Implemented here: authentication, Harbor's error shape, pagination (page/page_size, X-Total-Count, Link),
q and sort, the test helpers above, and /ping, /health, /systeminfo without authentication. Every API area
lives in a mixin of its own, whose docstring says what is implemented and from which Harbor source:
- tests/emulators/harbor_projects.py: projects, repositories, project metadata, quotas, members;
- tests/emulators/harbor_system.py: users, user groups, configurations, system schedules (GC, purge, scan all);
- tests/emulators/harbor_robots.py: robot accounts;
- tests/emulators/harbor_policies.py: registries, replication, webhook, retention and immutable tag policies;
- tests/emulators/harbor_security.py: labels, scanner registrations and the system CVE allowlist;
- tests/emulators/harbor_metrics.py: Prometheus metrics (a separate listener, outside the REST API).

Sources: ../shared/specs/README.md (read from Harbor's source) first; the files the mixins' docstrings name
are goharbor/harbor src/server/v2.0/handler/*.go, read for details the README does not give.

Where the spec and Harbor disagree (Harbor wins):
- the spec omits error statuses Harbor's common error handler returns on many operations (e.g. 404 on
  GET /projects/{name}, 409 on duplicate webhook or immutable rules, 422 for validation): these are
  accepted on any operation when the body has Harbor's error shape (framework generic_error_statuses);
- GET of the GC, purge and scan-all schedules without a schedule: 200 without the declared body;
- ``additionalProperties: {type: object}`` maps (rule params, schedule parameters) take any value, as
  go-swagger's map[string]interface{} does (prepare_spec): Harbor's code reads scalars there
  ({"latestPushedK": 10}, {"workers": 2, "delete_untagged": true}), not the objects the spec declares.

Not emulated: artifacts and tags, LDAP/OIDC logins, replication executions, preheat,
audit logs, next_scheduled_time, the CSRF cookie flow (API clients send no cookie), anonymous reads of
public projects beyond projects and repositories, group membership in permission checks.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import unquote_plus, urlencode

from .framework import Emulator, HttpError, route
from .harbor_common import HARBOR_VERSION, _now
from .harbor_metrics import HarborMetricsMixin
from .harbor_policies import HarborPoliciesMixin
from .harbor_projects import HarborProjectsMixin
from .harbor_robots import HarborRobotsMixin
from .harbor_security import HarborSecurityMixin
from .harbor_system import HarborSystemMixin
from ..specs import spec_path

HARBOR_SPEC = spec_path('harbor-openapi3.yaml')
ADMIN_NAME = 'admin'
USER_NAME = 'developer'
# The code of each status: src/lib/errors/const.go and the codeMap of src/lib/http/error.go at v2.15.2
# (RateLimitCode is "TOO_MANY_REQUEST"; every status >= 500 is sent as UNKNOWN "internal server error");
# 422 is go-swagger's, named from http.StatusText by lib/http apiError.
ERROR_CODES = {400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
               405: 'METHOD_NOT_ALLOWED', 409: 'CONFLICT', 412: 'PRECONDITION', 422: 'UNPROCESSABLE_ENTITY',
               429: 'TOO_MANY_REQUEST',
               500: 'UNKNOWN', 502: 'UNKNOWN', 503: 'UNKNOWN', 504: 'UNKNOWN'}
HARBOR_ERRORS_SCHEMA = {
    'type': 'object', 'required': ['errors'],
    'properties': {'errors': {'type': 'array', 'minItems': 1, 'items': {
        'type': 'object', 'required': ['code', 'message'],
        'properties': {'code': {'type': 'string'}, 'message': {'type': 'string'}}}}},
}


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


class HarborEmulator(HarborProjectsMixin, HarborSystemMixin, HarborRobotsMixin, HarborPoliciesMixin,
                     HarborSecurityMixin, HarborMetricsMixin, Emulator):
    spec_path = HARBOR_SPEC
    base_path = '/api/v2.0'
    service = 'harbor'
    # The spec document itself is checked once by tests/harness/test_emulator_harbor.py (openapi-spec-validator,
    # ~1-4 s); every session that only loads it skips that check.
    validate_spec = False
    generic_error_statuses = frozenset((400, 401, 403, 404, 405, 409, 412, 422, 500))
    error_schema = HARBOR_ERRORS_SCHEMA

    def __init__(self, admin_password, user_password=None, validate=True, seed_library=True):
        if not admin_password:
            raise ValueError('HarborEmulator needs admin_password (there is no default password)')
        self._admin_password = admin_password
        self._user_password = user_password
        self._seed_library = seed_library
        self._metrics_servers = []
        super().__init__(validate=validate)

    # --- framework hooks ----------------------------------------------------------------------------------
    @staticmethod
    def prepare_spec(data):
        """Relax ``additionalProperties: {type: object}`` to any value, as Harbor's server reads it.

        go-swagger generates map[string]interface{} for these maps (retention/immutable rule params,
        schedule parameters), so Harbor accepts {"latestPushedK": 10} and {"workers": 1}, which a strict
        JSON-schema reading of the converted spec rejects.
        """
        def walk(node):
            if isinstance(node, dict):
                extra = node.get('additionalProperties')
                if isinstance(extra, dict) and extra == {'type': 'object'}:
                    node['additionalProperties'] = {}
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(data)
        return data

    def error_body(self, status, message, code=None):
        return {'errors': [{'code': code or ERROR_CODES.get(status, 'UNKNOWN'), 'message': message}]}

    def prepare_request(self, call):
        """go-swagger binds a JSON null as an absent optional field: drop nulls before validating."""
        if call.raw and call.content_type.endswith('json'):
            try:
                data = json.loads(call.raw)
            except ValueError:
                return
            call.raw = json.dumps(_drop_nulls(data)).encode('utf-8')

    def request_rejected(self, call, message):
        """go-swagger's binding/validation error, as Harbor's lib/http/error.go passes it on.

        go-swagger wraps every binding or validation failure (also an unparsable body) in a
        CompositeValidationError, code 422; Harbor turns it into {"code": "UNPROCESSABLE_ENTITY",
        "message": "validation failure list:\n..."} (seen on a real Harbor 2.x: "validation failure
        list:\npage_size in query should be less than or equal to 100"). The lines here are
        openapi-core's wording, not go-swagger's.
        """
        lines = call.problems or [message]
        return 422, self.error_body(422, 'validation failure list:\n' + '\n'.join(lines), 'UNPROCESSABLE_ENTITY')

    def unauthorized(self, call):
        return 401, self.error_body(401, 'unauthorized'), {}

    def check_credentials(self, username, password):
        for user in self.users.values():
            if user['username'] == username:
                return user if secrets.compare_digest(user['password'], password) else None
        for robot in self.robots.values():
            if robot['name'] == username and not robot['disable'] and \
                    secrets.compare_digest(robot['secret'], password):
                return {'user_id': None, 'username': robot['name'], 'sysadmin_flag': False, 'robot_id': robot['id'],
                        'system_robot': robot['level'] == 'system'}
        return None

    def reset_state(self):
        self._ids = {}
        self.users = {}
        self.groups = {}
        self.projects = {}
        self.members = {}
        self.quotas = {}
        self.repositories = {}
        self.robots = {}
        self.registries = {}
        self.replication_policies = {}
        self.webhooks = {}
        self.retentions = {}
        self.immutable_rules = {}
        self.schedules = {'gc': None, 'scan_all': None, 'purge_audit': None}
        self.job_runs = []
        self.recorded_tasks = []  # jobservice tasks a test recorded (metrics)
        self.metrics_scrapes = {}  # scrapes of /metrics per component
        self.unhealthy_urls = set()  # registry URLs Harbor's health check would fail (test helper)
        self.config = dict(self._config_defaults())
        self.reset_security(_now())
        self.add_user(ADMIN_NAME, self._admin_password, admin=True, email='admin@example.com',
                      realname='system admin')
        if self._user_password:
            self.add_user(USER_NAME, self._user_password, email='developer@example.com', realname='Developer')
        if self._seed_library:
            self._create_project('library', self.users[1], {'public': 'true'}, storage_limit=-1)

    _now_text = staticmethod(_now)

    # --- helpers for tests --------------------------------------------------------------------------------
    def add_user(self, username, password, admin=False, email=None, realname=None):
        """Create a local (db_auth) user; returns its record (including the password, for tests only)."""
        user_id = self._next('user')
        now = _now()
        self.users[user_id] = {'user_id': user_id, 'username': username, 'password': password,
                               'email': email or '%s@example.com' % username, 'realname': realname or username,
                               'comment': '', 'sysadmin_flag': bool(admin), 'admin_role_in_auth': False,
                               'creation_time': now, 'update_time': now}
        return self.users[user_id]

    def delete_user(self, username):
        for user_id, user in list(self.users.items()):
            if user['username'] == username:
                del self.users[user_id]
                for mid, member in list(self.members.items()):
                    if member['entity_type'] == 'u' and member['entity_id'] == user_id:
                        del self.members[mid]

    def add_group(self, group_name, group_type=3, ldap_group_dn=None):
        """Create a user group (1 LDAP, 2 HTTP, 3 OIDC); returns its record."""
        group_id = self._next('group')
        self.groups[group_id] = {'id': group_id, 'group_name': group_name, 'group_type': group_type}
        if ldap_group_dn:
            self.groups[group_id]['ldap_group_dn'] = ldap_group_dn
        return self.groups[group_id]

    def seed_repository(self, project_name, repository, artifact_count=1, size=0):
        """Put a repository (with artifacts) into a project, creating the project if needed."""
        project = self.project(project_name)
        if project is None:
            project = self._create_project(project_name, self.users[1], {}, storage_limit=None)
        now = _now()
        repo = {'id': self._next('repository'), 'project_id': project['project_id'],
                'name': '%s/%s' % (project_name, repository), 'artifact_count': artifact_count, 'pull_count': 0,
                'creation_time': now, 'update_time': now}
        self.repositories.setdefault(project['project_id'], {})[repository] = repo
        quota = self._quota_of(project['project_id'])
        if quota is not None:
            quota['used']['storage'] += size
        return repo

    def project(self, name):
        """The stored project record named ``name`` (None if absent)."""
        for project in self.projects.values():
            if project['name'] == name:
                return project
        return None

    def robot(self, full_name):
        for robot in self.robots.values():
            if robot['name'] == full_name:
                return robot
        return None

    # --- shared mechanics ---------------------------------------------------------------------------------
    def _next(self, kind):
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    def _forbidden(self):
        return HttpError(403, 'forbidden')  # BaseAPI.RequireProjectAccess/RequireSystemAccess: ForbiddenError(nil)

    def _require_admin(self, call):
        # src/server/v2.0/handler/base.go RequireSystemAccess (v2.15.2): UnauthorizedError(nil) for an anonymous
        # caller, ForbiddenError(nil).WithMessage(secCtx.GetUsername()) for one without the permission: the
        # message is the caller's name
        if call.user is None:
            raise HttpError(401, 'unauthorized')
        if not call.user.get('sysadmin_flag'):
            raise HttpError(403, call.user['username'])

    def _role(self, user, project):
        """The user's best (lowest id = most powerful, except 4 ranks above 2) role in a project, or 0."""
        ranks = {1: 0, 4: 1, 2: 2, 3: 3, 5: 4}
        if not user:
            return 0
        if user.get('robot_id'):  # a robot reads the projects its permissions name (or all, with '*')
            robot = self.robots.get(user['robot_id']) or {}
            covered = any(perm.get('kind') == 'project' and perm.get('namespace') in ('*', project['name'])
                          for perm in robot.get('permissions') or [])
            return 3 if covered else 0
        roles = [m['role_id'] for m in self.members.values()
                 if m['project_id'] == project['project_id'] and m['entity_type'] == 'u'
                 and m['entity_id'] == user.get('user_id')]
        roles = [r for r in roles if r in ranks]  # a role id Harbor stored unchecked (PUT member) grants nothing
        return sorted(roles, key=ranks.get)[0] if roles else 0

    def _check_project_access(self, call, project, manage=False):
        """RequireProjectAccess: anonymous callers read public projects only (else 401), members by role."""
        user = call.user
        if user is None:
            if manage or project['metadata'].get('public') != 'true':
                raise HttpError(401, 'unauthorized')
            return
        if user.get('sysadmin_flag'):
            return
        role = self._role(user, project)
        if manage:
            if role not in (1, 4):
                raise self._forbidden()
        elif not role and project['metadata'].get('public') != 'true':
            raise self._forbidden()

    def _absent_project(self, call, name):
        """The error for a project that does not exist: 404 for a system admin, else 403 (401 anonymous).
        The 404 is pkg/project/dao/dao.go GetByName/Get (v2.15.2): WrapNotFoundError("project %s not found")."""
        if call.user is None:
            return HttpError(401, 'unauthorized')
        if not call.user.get('sysadmin_flag'):
            return self._forbidden()
        return HttpError(404, 'project %s not found' % name)

    def _find_project(self, call, key='project_name_or_id', by_name=False, manage=False, access=True):
        value = call.params[key]
        by_name = by_name or (call.header('X-Is-Resource-Name') or '').lower() == 'true'
        project = None
        if not by_name and value.isdigit():
            project = self.projects.get(int(value))
        else:
            project = self.project(value)
        if project is None:
            # RequireProjectAccess runs first: it cannot grant anything on a project that does not exist,
            # so only a system admin reaches the 404 (goharbor/harbor#17586, #19342, #21800)
            raise self._absent_project(call, value)
        if access:
            self._check_project_access(call, project, manage=manage)
        return project

    def _paginate(self, call, items):
        """One page of ``items`` plus X-Total-Count and Link headers, as Harbor's BaseAPI.Links builds them."""
        page = max(int(call.arg('page', 1)), 1)
        size = int(call.arg('page_size', 10))
        if size <= 0:
            size = 10
        total = len(items)
        headers = {'X-Total-Count': str(total)}
        links = []
        for rel, number in (('prev', page - 1), ('next', page + 1)):
            if (rel == 'prev' and page > 1 and (page - 1) * size < total) or (rel == 'next' and page * size < total):
                query = {k: list(v) for k, v in call.query.items()}
                query['page'] = [str(number)]
                query['page_size'] = [str(size)]
                # Harbor's BaseAPI.Links: url.Values.Encode (sorted keys), then url.QueryUnescape
                encoded = unquote_plus(urlencode([(k, v) for k in sorted(query) for v in query[k]]))
                links.append('<%s?%s>; rel="%s"' % (call.full_path, encoded, rel))
        if links:
            headers['Link'] = ' , '.join(links)
        return items[(page - 1) * size:page * size], headers

    @staticmethod
    def _parse_q(call):
        """Harbor's q: k=v exact, k=~v fuzzy, k={a b} any of; returns {key: (op, value)}."""
        result = {}
        for part in (call.arg('q') or '').split(','):
            if '=' not in part:
                continue
            key, sep, value = part.partition('=')
            if value.startswith('~'):
                result[key.strip()] = ('fuzzy', value[1:])
            elif value.startswith('{') and value.endswith('}'):
                result[key.strip()] = ('any', value[1:-1].split())
            else:
                result[key.strip()] = ('exact', value)
        return result

    @staticmethod
    def _q_match(actual, op_value):
        op, value = op_value
        actual = '' if actual is None else str(actual)
        if op == 'fuzzy':
            return value in actual
        if op == 'any':
            return actual in value
        return actual == value

    @staticmethod
    def _sort(call, items, default):
        sort = call.arg('sort') or default
        for key in reversed([k.strip() for k in sort.split(',') if k.strip()]):
            reverse = key.startswith('-')
            key = key.lstrip('-')
            items.sort(key=lambda item: (item.get(key) is None, item.get(key) if item.get(key) is not None else 0),
                       reverse=reverse)
        return items

    def _location(self, path):
        return {'Location': self.base_path + path}

    # --- system -------------------------------------------------------------------------------------------
    @route('GET', '/ping', auth=False)
    def ping(self, call):
        return 200, 'Pong'

    @route('GET', '/health', auth=False)
    def health(self, call):
        components = [{'name': name, 'status': 'healthy'} for name in
                      ('core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy')]
        return 200, {'status': 'healthy', 'components': components}

    @route('GET', '/systeminfo', auth=False)
    def systeminfo(self, call):
        return 200, {'harbor_version': HARBOR_VERSION, 'auth_mode': self.config['auth_mode'],
                     'primary_auth_mode': self.config['primary_auth_mode'],
                     'project_creation_restriction': self.config['project_creation_restriction'],
                     'self_registration': self.config['self_registration'], 'has_ca_root': False,
                     'read_only': self.config['read_only'], 'notification_enable': self.config['notification_enable'],
                     'banner_message': self.config['banner_message'], 'current_time': _now(),
                     'registry_url': '127.0.0.1', 'external_url': self.base_url or '',
                     'registry_storage_provider_name': 'filesystem'}
