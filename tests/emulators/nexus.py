# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""A stateful Nexus Repository 3 REST API emulator (test support, not shipped).

Nexus cannot run on our machines, so the nexus_* modules are tested against this emulator. Every request
and response is validated against the official description of Nexus 3.94's API
(../shared/specs/nexus-openapi.yaml) by the shared framework (tests/emulators/framework.py). Where the
spec forgets a status the server sends (200 on GET /v1/repositories/{name}, 200 on user creation, ...), the
route allows it explicitly and the body is still checked against the component schema the server uses
(``_check_schema``), so nothing the emulator sends goes unchecked.

Behaviour implemented from ../shared/specs/README.md (read from the server's source code):
- repositories, group members and blob stores (S3 security, soft quotas): the mixin NexusRepositoriesMixin
  in tests/emulators/nexus_repositories.py, which documents what it follows.
- security objects (privileges, content selectors, LDAP connections, the LDAP role source): the mixin
  NexusSecurityMixin in tests/emulators/nexus_security.py, which documents what it follows.
- users: POST 200, PUT 204, change-password PUT with Content-Type text/plain (raw body); GET
  ?userId= is a prefix search. Only active users authenticate; users without nx-admin get 403.
- first start: a random admin password is written to ``<data_dir>/admin.password``; the file is deleted
  once the admin password is changed. No password is built into this code.
- EULA: GET/POST /v1/system/eula; POST must send accepted=true with the disclaimer as served.
- edition: every answer carries ``Server: Nexus/<version> (<edition>)`` (EnvironmentFilter); the emulator
  is the free edition (``edition``, default COMMUNITY as 3.77+ reports it; set ``edition = 'PRO'`` to
  emulate Pro). Group ``writableMember`` is refused unless the edition is PRO, with Nexus's message,
  as AbstractGroupRepositoriesApiResource.validateGroupDeploy does (a constraint violation on
  ``writableMember`` -> 400 [{"id", "message"}]). GET /v1/status answers 200 without a body.

The pypi format endpoints (/repository/<name>/...) and GET /v1/assets: tests/emulators/nexus_pypi.py.

State helpers for tests: ``admin_password`` (current admin password), ``repo_secret(name)``,
``blobstore_secret(name)``, ``cleanup_policies`` (names that exist), ``eula_accepted``.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import secrets
import threading
import uuid

from tests.emulators.framework import Emulator, HttpError, route
from tests.emulators.nexus_formats import NexusFormatsMixin
from tests.emulators.nexus_pypi import NexusPypiFormat
from tests.emulators.nexus_security import NexusSecurityMixin
from tests.emulators.nexus_ops import NexusOpsMixin
# FORMATS, API_FORMAT, PLACEHOLDER and INSUFFICIENT_LICENSE are read from this module too (nexus_security, tests)
from tests.emulators.nexus_repositories import (  # noqa: F401  pylint: disable=unused-import
    API_FORMAT, FORMATS, INSUFFICIENT_LICENSE, PLACEHOLDER, NexusRepositoriesMixin, _bad)
from tests.specs import spec_path

SPEC = os.environ.get('MAESTRO_NEXUS_SPEC') or spec_path('nexus-openapi.yaml')
VERSION = '3.94.0-12'
DEFAULT_EDITION = 'COMMUNITY'
EULA_DISCLAIMER = ('Use of Sonatype Nexus Repository - Community Edition is governed by the End User License '
                   'Agreement at https://links.sonatype.com/products/nxrm/ce-eula. By returning the value from '
                   "'accepted:false' to 'accepted:true', you acknowledge that you have read and agree to the "
                   'End User License Agreement at https://links.sonatype.com/products/nxrm/ce-eula.')
REALMS = [
    ('NexusAuthenticatingRealm', 'Local Authenticating Realm'),
    ('ConanToken', 'Conan Bearer Token Realm'),
    ('DefaultRole', 'Default Role Realm'),
    ('DockerToken', 'Docker Bearer Token Realm'),
    ('LdapRealm', 'LDAP Realm'),
    ('NpmToken', 'npm Bearer Token Realm'),
    ('NuGetApiKey', 'NuGet API-Key Realm'),
    ('rutauth-realm', 'Rut Auth Realm'),
]
STATIC_PRIVILEGES = ('nx-all', 'nx-admin', 'nx-blobstores-all', 'nx-repository-admin-*-*-*',
                     'nx-repository-view-*-*-*', 'nx-repository-view-*-*-browse', 'nx-repository-view-*-*-read',
                     'nx-search-read', 'nx-healthcheck-read', 'nx-metrics-all', 'nx-users-all', 'nx-roles-all',
                     'nx-component-upload', 'nx-userschangepw', 'nx-apikey-all')
PRIVILEGE_ACTIONS = ('*', 'browse', 'read', 'edit', 'add', 'delete')
ERROR_SCHEMA = {'anyOf': [
    {'type': 'array', 'items': {'type': 'object', 'required': ['id', 'message'],
                                'properties': {'id': {'type': 'string'}, 'message': {'type': 'string'}}}},
    {'type': 'string'},  # repository manager errors and "Repository not found"
]}


class NexusEmulator(NexusRepositoriesMixin, NexusFormatsMixin, NexusPypiFormat, NexusSecurityMixin, NexusOpsMixin,
                    Emulator):
    spec_path = SPEC
    base_path = '/service/rest'
    validate_spec = False
    service = 'Nexus'
    generic_error_statuses = frozenset((400, 404))
    error_schema = ERROR_SCHEMA

    def __init__(self, data_dir, validate=True, random_admin_password=True):
        self.data_dir = str(data_dir)
        self.random_admin_password = random_admin_password
        self._schema_validators = {}
        self._schema_lock = threading.Lock()
        super().__init__(validate=validate)

    @staticmethod
    def prepare_spec(data):
        """The file has three ``nullable: 'true'`` (a string where a boolean belongs): fix them in memory."""
        def walk(node):
            if isinstance(node, dict):
                if node.get('nullable') == 'true':
                    node['nullable'] = True
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(data)
        return data

    # --- state ---------------------------------------------------------------------------------------------
    @property
    def server_header(self):
        return 'Nexus/%s (%s)' % (VERSION, self.edition)

    def reset_state(self):
        self.edition = DEFAULT_EDITION
        self.repos = {}            # lower-case name -> {'format','type','config'}
        self.repo_secrets = {}     # lower-case name -> remote password
        self._reset_formats()
        self.blobstores = {'default': {'type': 'File', 'config': {'path': 'default'}}}
        self.blobstore_secrets = {}
        self.realms = ['NexusAuthenticatingRealm']
        self.anonymous = {'enabled': False, 'userId': 'anonymous', 'realmName': 'NexusAuthorizingRealm'}
        self.roles = {
            'nx-admin': {'id': 'nx-admin', 'source': 'default', 'name': 'nx-admin',
                         'description': 'Administrator Role', 'readOnly': True, 'privileges': ['nx-all'],
                         'roles': []},
            'nx-anonymous': {'id': 'nx-anonymous', 'source': 'default', 'name': 'nx-anonymous',
                             'description': 'Anonymous Role', 'readOnly': True,
                             'privileges': ['nx-healthcheck-read', 'nx-search-read',
                                            'nx-repository-view-*-*-read', 'nx-repository-view-*-*-browse'],
                             'roles': []},
        }
        self.users = {}
        self.passwords = {}
        self.cleanup_policies = {'weekly-cleanup', 'old-snapshots', 'stale-proxy-cache'}
        self.eula_accepted = False
        self.reset_security()
        self.admin_password_file = os.path.join(self.data_dir, 'admin.password')
        self._add_user('admin', 'Administrator', 'User', 'admin@example.org', ['nx-admin'])
        self._add_user('anonymous', 'Anonymous', 'User', 'anonymous@example.org', ['nx-anonymous'])
        self.passwords['anonymous'] = uuid.uuid4().hex
        os.makedirs(self.data_dir, exist_ok=True)
        if self.random_admin_password:
            # Nexus's first start: a random UUID, written where an operator (or Ansible) can read it.
            self.passwords['admin'] = str(uuid.uuid4())
            with open(self.admin_password_file, 'w', encoding='utf-8') as handle:
                handle.write(self.passwords['admin'])
        else:
            self.passwords['admin'] = secrets.token_urlsafe(12)
            if os.path.exists(self.admin_password_file):
                os.unlink(self.admin_password_file)
        super().reset_state()  # the mixins' state (tests/emulators/nexus_ops.py ...)

    def _add_user(self, user_id, first, last, email, roles, status='active'):
        self.users[user_id] = {'userId': user_id, 'firstName': first, 'lastName': last, 'emailAddress': email,
                               'source': 'default', 'status': status, 'readOnly': False, 'roles': list(roles),
                               'externalRoles': []}

    @property
    def admin_password(self):
        return self.passwords['admin']

    def set_admin_password(self, password):
        """Test helper: as if the operator had already changed it (the file disappears)."""
        with self._lock:
            self.passwords['admin'] = password
            if os.path.exists(self.admin_password_file):
                os.unlink(self.admin_password_file)

    def repo_secret(self, name):
        return self.repo_secrets.get(name.lower())

    def blobstore_secret(self, name, field='secretAccessKey'):
        return (self.blobstore_secrets.get(name) or {}).get(field)

    def repository(self, name):
        """Test helper: the stored configuration of a repository (a copy), or None."""
        with self._lock:
            repo = self.repos.get(name.lower())
            return copy.deepcopy(repo['config']) if repo else None

    # --- framework hooks -----------------------------------------------------------------------------------
    def check_credentials(self, username, password):
        user = self.users.get(username)
        if user is None or user['status'] != 'active' or self.passwords.get(username) != password:
            return None
        return user

    def error_body(self, status, message, code=None):
        # Nexus's validation errors: a list of {id, message}; the id names the field when there is one.
        return [{'id': code if code and code not in ('BAD_REQUEST', 'NOT_FOUND') else '*', 'message': message}]

    def unauthorized(self, call):
        return 401, None, {'WWW-Authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"'}

    def request_rejected(self, call, message):
        return 400, self.error_body(400, message)

    def _validate_response(self, call, route_, status, headers, data, strict=True):
        # Several Nexus operations declare `'204': {content: {}}`: openapi-core reads the empty content map
        # as "a body is required" and reports "Missing response data" for the (correct) empty 204.
        declared = {}
        if self.spec is not None:
            declared = (self.spec.operation(route_.template, call.method) or {}).get('responses') or {}
        if status == 204 and not data:
            answer = declared.get('204') or declared.get('default') or {}
            content = answer.get('content')
            if content is not None and all(not (media or {}).get('schema') for media in content.values()):
                return None
        # Operations described only by a `default` response describe their success body there; an error
        # status the operation does not list comes from Nexus's common error handling: check it against the
        # error schema instead of the success body.
        # (401 carries no body at all, as on the server: only WWW-Authenticate.)
        if status >= 400 and str(status) not in declared:
            if not data:
                return None
            return self._validate_generic_error(call, route_, status, headers, data)
        return super()._validate_response(call, route_, status, headers, data, strict=strict)

    def _require_admin(self, call):
        if 'nx-admin' not in call.user['roles']:
            raise HttpError(403, 'insufficient permissions')

    def _check_schema(self, body, name, where):
        """Validate a body the spec does not describe at that status against component schema ``name``."""
        if self.spec is None:
            return
        with self._schema_lock:
            validator = self._schema_validators.get(name)
            if validator is None:
                root = self.spec.app.spec
                schema = root / 'components' / 'schemas' / name
                validator = self.spec.response_validator.schema_validators_factory.create(root, schema)
                self._schema_validators[name] = validator
        try:
            validator.validate(body)
        except Exception as exc:  # openapi-core's InvalidSchemaValue: a violation, answered as 500
            self.violations.append('%s: body does not match %s: %s' % (where, name, exc))
            raise HttpError(500, 'the emulator answered outside the spec (%s)' % name)


    # --- security: realms, anonymous access ------------------------------------------------------------------
    @route('GET', '/v1/security/realms/available')
    def available_realms(self, call):
        self._require_admin(call)
        return 200, [{'id': rid, 'name': name} for rid, name in REALMS]

    @route('GET', '/v1/security/realms/active')
    def active_realms(self, call):
        self._require_admin(call)
        return 200, list(self.realms)

    @route('PUT', '/v1/security/realms/active')
    def set_active_realms(self, call):
        self._require_admin(call)
        known = set(rid for rid, _ in REALMS)
        unknown = [r for r in call.body if r not in known]
        if unknown:
            raise _bad('Unknown realmIds: %s' % unknown)
        if len(set(call.body)) != len(call.body):
            raise _bad('Realm ids must not repeat')
        self.realms = list(call.body)
        return 204, None

    @route('GET', '/v1/security/anonymous', extra_statuses=(200,))
    def get_anonymous(self, call):
        self._require_admin(call)
        body = dict(self.anonymous)
        self._check_schema(body, 'AnonymousAccessSettingsXO', 'GET /v1/security/anonymous')
        return 200, body

    @route('PUT', '/v1/security/anonymous', extra_statuses=(200,))
    def set_anonymous(self, call):
        self._require_admin(call)
        body = call.body
        if body['userId'] not in self.users:
            raise _bad('User %s does not exist' % body['userId'], 'PARAMETER userId')
        self.anonymous = {'enabled': bool(body.get('enabled')), 'userId': body['userId'],
                          'realmName': body['realmName']}
        answer = dict(self.anonymous)
        self._check_schema(answer, 'AnonymousAccessSettingsXO', 'PUT /v1/security/anonymous')
        return 200, answer

    # --- roles ---------------------------------------------------------------------------------------------
    def _privilege_exists(self, name):
        if name in STATIC_PRIVILEGES or self.custom_privilege_exists(name):
            return True
        found = re.match(r'^nx-repository-(view|admin)-([^-]+|\*)-(.+)-([a-z*]+)$', name)
        if not found:
            return False
        _, fmt, repo, action = found.groups()
        if action not in PRIVILEGE_ACTIONS:
            return False
        formats = set(API_FORMAT.get(f, f) for f in FORMATS)
        if fmt != '*' and fmt not in formats:
            return False
        if repo == '*':
            return True
        stored = self.repos.get(repo.lower())
        return stored is not None and (fmt == '*' or stored['config']['format'] == fmt)

    def _check_role_refs(self, body, own_id=None):
        missing = [p for p in body.get('privileges') or [] if not self._privilege_exists(p)]
        if missing:
            raise _bad('Only privileges that exist may be assigned: %s do not exist' % ', '.join(missing),
                       'PARAMETER privileges')
        missing = [r for r in body.get('roles') or [] if r not in self.roles]
        if missing:
            raise _bad('Only roles that exist may be assigned: %s do not exist' % ', '.join(missing),
                       'PARAMETER roles')
        if own_id and own_id in (body.get('roles') or []):
            raise _bad('A role cannot contain itself', 'PARAMETER roles')

    @route('GET', '/v1/security/roles', extra_statuses=(200,))
    def list_roles(self, call):
        self._require_admin(call)
        body = [copy.deepcopy(r) for _, r in sorted(self.roles.items())]
        for role in body:
            self._check_schema(role, 'RoleXOResponse', 'GET /v1/security/roles')
        return 200, body

    @route('GET', '/v1/security/roles/{id}', extra_statuses=(200,))
    def get_role(self, call):
        self._require_admin(call)
        if call.arg('source') not in (None, 'default'):
            return self.external_role(call.arg('source'), call.params['id'])  # tests/emulators/nexus_security.py
        role = self.roles.get(call.params['id'])
        if role is None:
            raise HttpError(404, 'Role %s not found' % call.params['id'])
        body = copy.deepcopy(role)
        self._check_schema(body, 'RoleXOResponse', 'GET /v1/security/roles/{id}')
        return 200, body

    @route('POST', '/v1/security/roles', extra_statuses=(200, 400))
    def create_role(self, call):
        self._require_admin(call)
        body = call.body
        if body['id'] in self.roles:
            raise _bad('Role id %s is already in use' % body['id'], 'PARAMETER id')
        self._check_role_refs(body, body['id'])
        role = {'id': body['id'], 'source': 'default', 'name': body['name'],
                'description': body.get('description') or '', 'readOnly': False,
                'privileges': list(body.get('privileges') or []), 'roles': list(body.get('roles') or [])}
        self.roles[body['id']] = role
        answer = copy.deepcopy(role)
        self._check_schema(answer, 'RoleXOResponse', 'POST /v1/security/roles')
        return 200, answer

    @route('PUT', '/v1/security/roles/{id}', extra_statuses=(204, 400))
    def update_role(self, call):
        self._require_admin(call)
        role = self.roles.get(call.params['id'])
        if role is None:
            raise HttpError(404, 'Role %s not found' % call.params['id'])
        if role['readOnly']:
            raise _bad('Role %s is read only' % role['id'])
        body = call.body
        if body['id'] != role['id']:
            raise _bad('The role id in the body does not match the path', 'PARAMETER id')
        self._check_role_refs(body, role['id'])
        role.update(name=body['name'], description=body.get('description') or '',
                    privileges=list(body.get('privileges') or []), roles=list(body.get('roles') or []))
        return 204, None

    @route('DELETE', '/v1/security/roles/{id}')
    def delete_role(self, call):
        self._require_admin(call)
        role = self.roles.get(call.params['id'])
        if role is None:
            raise HttpError(404, 'Role %s not found' % call.params['id'])
        if role['readOnly']:
            raise _bad('Role %s is read only' % role['id'])
        del self.roles[role['id']]
        return 204, None

    # --- users ---------------------------------------------------------------------------------------------
    def _check_user_roles(self, roles):
        missing = [r for r in roles or [] if r not in self.roles]
        if missing:
            raise _bad('Only roles that exist may be assigned: %s do not exist' % ', '.join(missing),
                       'PARAMETER roles')

    @route('GET', '/v1/security/users', extra_statuses=(200,))
    def list_users(self, call):
        self._require_admin(call)
        prefix = (call.arg('userId') or '').lower()
        body = [copy.deepcopy(u) for uid, u in sorted(self.users.items()) if uid.lower().startswith(prefix)]
        for user in body:
            self._check_schema(user, 'ApiUser', 'GET /v1/security/users')
        return 200, body

    @route('POST', '/v1/security/users', extra_statuses=(200,))
    def create_user(self, call):
        self._require_admin(call)
        body = call.body
        if body['userId'] in self.users:
            raise _bad('User %s already exists' % body['userId'], 'PARAMETER userId')
        self._check_user_roles(body.get('roles'))
        self._add_user(body['userId'], body['firstName'], body['lastName'], body['emailAddress'],
                       body.get('roles') or [], body['status'])
        self.passwords[body['userId']] = body['password']
        answer = copy.deepcopy(self.users[body['userId']])
        self._check_schema(answer, 'ApiUser', 'POST /v1/security/users')
        return 200, answer

    @route('PUT', '/v1/security/users/{userId}')
    def update_user(self, call):
        self._require_admin(call)
        user = self.users.get(call.params['userId'])
        if user is None:
            raise HttpError(404, 'User %s not found' % call.params['userId'])
        body = call.body
        if body['userId'] != user['userId']:
            raise _bad('The userId in the body does not match the path', 'PARAMETER userId')
        if body['source'] != 'default':
            raise _bad('Only users of the default source can be updated here', 'PARAMETER source')
        self._check_user_roles(body.get('roles'))
        user.update(firstName=body['firstName'], lastName=body['lastName'], emailAddress=body['emailAddress'],
                    status=body['status'], roles=list(body.get('roles') or []))
        return 204, None

    @route('DELETE', '/v1/security/users/{userId}', extra_statuses=(204,))
    def delete_user(self, call):
        self._require_admin(call)
        user_id = call.params['userId']
        if user_id not in self.users:
            raise HttpError(404, 'User %s not found' % user_id)
        if user_id == call.user['userId']:
            raise _bad('You cannot delete the user you are signed in as')
        if user_id == self.anonymous['userId']:
            raise _bad('The anonymous user cannot be deleted')
        del self.users[user_id]
        self.passwords.pop(user_id, None)
        return 204, None

    @route('PUT', '/v1/security/users/{userId}/change-password')
    def change_password(self, call):
        user_id = call.params['userId']
        if call.user['userId'] != user_id:
            self._require_admin(call)
        if user_id not in self.users:
            raise HttpError(404, 'User %s not found' % user_id)
        if call.content_type != 'text/plain':
            raise _bad('change-password takes the new password as a text/plain body')
        password = call.body or ''
        if not password:
            raise _bad('Password must not be empty', 'PARAMETER password')
        self.passwords[user_id] = password
        if user_id == 'admin' and os.path.exists(self.admin_password_file):
            os.unlink(self.admin_password_file)  # Nexus deletes admin.password once it was changed
        return 204, None

    # --- status --------------------------------------------------------------------------------------------
    @route('GET', '/v1/status', auth='optional')
    def status(self, call):
        return 200, None

    # --- EULA ----------------------------------------------------------------------------------------------
    @route('GET', '/v1/system/eula')
    def get_eula(self, call):
        self._require_admin(call)
        body = {'accepted': self.eula_accepted, 'disclaimer': EULA_DISCLAIMER}
        self._check_schema(body, 'EulaStatus', 'GET /v1/system/eula')
        return 200, body

    @route('POST', '/v1/system/eula', extra_statuses=(400,))
    def set_eula(self, call):
        self._require_admin(call)
        body = call.body
        if body.get('disclaimer') != EULA_DISCLAIMER:
            raise _bad('The disclaimer must be sent back exactly as GET /v1/system/eula served it',
                       'PARAMETER disclaimer')
        self.eula_accepted = bool(body.get('accepted'))
        return 204, None

    # --- Prometheus metrics (outside the REST API and its spec) ---------------------------------------------
    # Nexus serves /service/metrics/prometheus next to (not under) /service/rest, so the spec does not describe
    # it and the framework's spec validation does not apply: this answer is produced here, before routing.
    # Access as Nexus checks it: no or bad credentials -> 401 with Nexus's BASIC challenge; a user without the
    # nx-metrics-all privilege (directly, through nested roles, or through nx-all) -> 403.
    METRICS_PATH = '/service/metrics/prometheus'

    def _answer(self, method, path, full_path, query_string, raw_headers, raw, request_id, fault):
        if full_path.rstrip('/') == self.METRICS_PATH and fault is None:
            return self._metrics_answer(method, raw_headers)
        return super()._answer(method, path, full_path, query_string, raw_headers, raw, request_id, fault)

    def _privileges_of(self, user):
        seen, privileges, pending = set(), set(), list(user['roles'])
        while pending:
            role = self.roles.get(pending.pop())
            if role is None or role['id'] in seen:
                continue
            seen.add(role['id'])
            privileges.update(role['privileges'])
            pending.extend(role['roles'])
        return privileges

    def _metrics_answer(self, method, raw_headers):
        if method not in ('GET', 'HEAD'):
            return 405, {'Allow': 'GET, HEAD'}, b''
        scheme, _sep, value = (raw_headers.get('Authorization') or '').partition(' ')
        user = None
        if scheme.lower() == 'basic' and value:
            try:
                username, _sep, password = base64.b64decode(value.strip()).decode('utf-8').partition(':')
            except (ValueError, UnicodeDecodeError):
                username, password = '', ''
            with self._lock:
                user = self.check_credentials(username, password)
        if user is None:
            return 401, {'WWW-Authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"'}, b''
        with self._lock:
            allowed = {'nx-all', 'nx-metrics-all'} & self._privileges_of(user)
            text = self.metrics_text() if allowed else None
        if text is None:
            return 403, {}, b''
        self.metrics_scrapes = getattr(self, 'metrics_scrapes', 0) + 1
        return 200, {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8'}, text.encode('utf-8')

    def metrics_text(self):
        """The exposition served on /service/metrics/prometheus.

        Nexus exports its Dropwizard metric registry with the Prometheus Java client (DropwizardExports turns
        "a.b-c" into a_b_c). The emulator has no JVM, so it serves only a few gauges in that naming, with
        values from this process where one exists (resident memory, threads). NOT verified against a live
        Nexus's output: the project's rules and dashboards therefore use only Prometheus's own `up` for Nexus.
        """
        import resource
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        lines = [
            '# HELP jvm_memory_heap_used Stand-in value: resident memory of the emulator process',
            '# TYPE jvm_memory_heap_used gauge',
            'jvm_memory_heap_used %d' % rss,
            '# HELP jvm_threads_count Stand-in value: threads of the emulator process',
            '# TYPE jvm_threads_count gauge',
            'jvm_threads_count %d' % threading.active_count(),
        ]
        return '\n'.join(lines) + '\n'
