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
- repositories: create 201, duplicate name (case-insensitive) 400 [{"id","message"}], update 204, 404
  when missing, rename and blob store change rejected (400). GET /v1/repositories/{name} is a summary; the
  full settings come from GET /v1/repositories/{format}/{type}/{name} (404 for another format/type).
  writePolicy is echoed exactly as it was stored; httpClient.authentication.password is never returned
  (an update without it clears it: a PUT replaces the whole configuration). Errors of the repository
  manager (duplicate name, blob store change, members ...) are 400 with the message as a JSON string, as
  the server's REST resource sends them; bean-validation errors are lists of {"id", "message"}.
- group members must exist and have the group's format; a deleted repository leaves every group (a group
  whose last member is deleted would then answer memberNames [], which the spec forbids: tests avoid it).
- security objects (privileges, content selectors, LDAP connections, the LDAP role source): the mixin
  NexusSecurityMixin in tests/emulators/nexus_security.py, which documents what it follows.
- users: POST 200, PUT 204, change-password PUT with Content-Type text/plain (raw body); GET
  ?userId= is a prefix search. Only active users authenticate; users without nx-admin get 403.
- first start: a random admin password is written to ``<data_dir>/admin.password``; the file is deleted
  once the admin password is changed. No password is built into this code.
- EULA: GET/POST /v1/system/eula; POST must send accepted=true with the disclaimer as served.
- S3 blob stores use ``security`` and ``advancedConnection`` (README); the secret access key is returned
  as Nexus's password placeholder, and sending the placeholder back keeps the stored secret.
- blob store soft quotas: ``softQuota.limit`` is kept exactly as sent and means bytes (nexus-public
  BlobStoreApiModel.setSoftQuotaAttributes and S3BlobStoreApiModelMapper -> quotaConfig(type, limit) store the
  number unconverted in the quota's ``limit`` attribute, which the quota checks compare with bytes; the
  spec's "The limit in MB" is the UI's unit, converted by the UI).
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
import json
import os
import re
import secrets
import threading
import uuid

from tests.emulators.framework import Emulator, HttpError, route
from tests.emulators.nexus_formats import FORMATS as MORE_FORMATS, NexusFormatsMixin
from tests.emulators.nexus_pypi import NexusPypiFormat
from tests.emulators.nexus_security import NexusSecurityMixin
from tests.emulators.nexus_ops import NexusOpsMixin
from tests.specs import spec_path

SPEC = os.environ.get('MAESTRO_NEXUS_SPEC') or spec_path('nexus-openapi.yaml')
PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'
VERSION = '3.94.0-12'
DEFAULT_EDITION = 'COMMUNITY'
# GroupHandler.INSUFFICIENT_LICENSE, what validateGroupDeploy answers when the edition is not PRO
INSUFFICIENT_LICENSE = ('Deploying to groups is a PRO-licensed feature. See '
                        'https://links.sonatype.com/product-nexus-repository')
EULA_DISCLAIMER = ('Use of Sonatype Nexus Repository - Community Edition is governed by the End User License '
                   'Agreement at https://links.sonatype.com/products/nxrm/ce-eula. By returning the value from '
                   "'accepted:false' to 'accepted:true', you acknowledge that you have read and agree to the "
                   'End User License Agreement at https://links.sonatype.com/products/nxrm/ce-eula.')

# format -> repository types served (the emulator implements these; the spec has more formats)
FORMATS = {
    'pypi': ('proxy', 'hosted', 'group'),
    'npm': ('proxy', 'hosted', 'group'),
    'maven': ('proxy', 'hosted', 'group'),
    'docker': ('proxy', 'hosted', 'group'),
    'raw': ('proxy', 'hosted', 'group'),
    'go': ('proxy', 'group'),
    'helm': ('proxy', 'hosted'),
    'gitlfs': ('hosted',),
    'cocoapods': ('proxy',),
    'p2': ('proxy',),
}
FORMATS.update(MORE_FORMATS)  # huggingface, conda, apt, yum: tests/emulators/nexus_formats.py
# maven's API format name differs from its URL segment
API_FORMAT = {'maven': 'maven2'}
URL_FORMAT = dict((v, k) for k, v in API_FORMAT.items())

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
WRITE_POLICIES = ('allow', 'allow_once', 'deny')
ERROR_SCHEMA = {'anyOf': [
    {'type': 'array', 'items': {'type': 'object', 'required': ['id', 'message'],
                                'properties': {'id': {'type': 'string'}, 'message': {'type': 'string'}}}},
    {'type': 'string'},  # repository manager errors and "Repository not found"
]}


def _repo_routes(kind):
    """Decorate one handler with the route of every (format, type) the emulator serves."""

    def decorate(func):
        for fmt, types in FORMATS.items():
            for rtype in types:
                base = '/v1/repositories/%s/%s' % (fmt, rtype)
                if kind == 'create':
                    func = route('POST', base, extra_statuses=(400,))(func)
                elif kind == 'get':
                    func = route('GET', base + '/{repositoryName}', extra_statuses=(200, 404))(func)
                else:
                    func = route('PUT', base + '/{repositoryName}', extra_statuses=(400, 404))(func)
        return func

    return decorate


def _template_format(template):
    parts = template.split('/')  # ['', 'v1', 'repositories', fmt, type, ...]
    return parts[3], parts[4]


class _RepoError(Exception):
    """An error of Nexus's repository manager: the REST resource answers 400 with the message as a JSON
    string (WebApplicationMessageException(BAD_REQUEST, "\"message\"", APPLICATION_JSON)), unlike bean
    validation errors, which are lists of {id, message}."""


def _json_string(status, message):
    return status, json.dumps(message).encode('utf-8'), {'Content-Type': 'application/json'}


def _bad(message, field='*'):
    return HttpError(400, message, code=field)


class NexusEmulator(NexusFormatsMixin, NexusPypiFormat, NexusSecurityMixin, NexusOpsMixin, Emulator):
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

    # --- repositories --------------------------------------------------------------------------------------
    def _url(self, name):
        return '%s/repository/%s' % (self.base_url or 'http://nexus.invalid', name)

    def _get_repo(self, name):
        repo = self.repos.get(name.lower())
        if repo is None:
            raise HttpError(404, 'Repository not found')
        return repo

    def _validate_repo(self, fmt, rtype, body, existing=None):
        name = body['name']
        if not re.match(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$', name):
            raise _bad('Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not '
                       'start with underscore or dot.', 'PARAMETER name')
        storage = body['storage']
        if storage['blobStoreName'] not in self.blobstores:
            raise _RepoError('Blob store %s does not exist' % storage['blobStoreName'])
        if existing is not None and storage['blobStoreName'] != existing['config']['storage']['blobStoreName']:
            raise _RepoError('Blob store cannot be changed')
        if rtype == 'hosted':
            policy = storage.get('writePolicy')
            if not isinstance(policy, str) or policy.lower() not in WRITE_POLICIES:
                raise _RepoError('writePolicy must be one of ALLOW, ALLOW_ONCE, DENY')
        if rtype == 'proxy':
            url = body['proxy']['remoteUrl']
            if not re.match(r'^https?://[^/\s]+', url):
                raise _RepoError('remoteUrl must be a valid http(s) URL')
        rule = body.get('routingRuleName')
        if rule and rule not in self.routing_rules:  # tests/emulators/nexus_ops.py
            raise _RepoError('Routing rule %s does not exist' % rule)
        for policy in (body.get('cleanup') or {}).get('policyNames') or []:
            if policy not in self.cleanup_policies:
                raise _RepoError('Cleanup policy %s does not exist' % policy)
        if rtype == 'group':
            members = body['group']['memberNames']
            for member in members:
                repo = self.repos.get(member.lower())
                if repo is None:
                    raise _RepoError('Repository %s does not exist' % member)
                if repo['format'] != fmt:
                    raise _RepoError('Member repository %s is of format %s, not %s' % (member, repo['format'], fmt))
                if member.lower() == name.lower():
                    raise _RepoError('A group repository cannot be a member of itself')
            writable = body['group'].get('writableMember')
            if writable and self.edition != 'PRO':
                # validateGroupDeploy: `if (!"PRO".equals(applicationVersion.getEdition()))` comes first
                raise _bad(INSUFFICIENT_LICENSE, 'writableMember')
            if writable:
                if writable not in members:
                    raise _RepoError('Writable member %s must be a member of the group' % writable)
                if self.repos[writable.lower()]['type'] != 'hosted':
                    raise _RepoError('Writable member %s must be a hosted repository' % writable)
        if fmt == 'docker':
            docker = body['docker']
            for port_field in ('httpPort', 'httpsPort'):
                port = docker.get(port_field)
                if port is None:
                    continue
                for other_name, other in self.repos.items():
                    if other['format'] != 'docker' or other_name == name.lower():
                        continue
                    odocker = other['config'].get('docker') or {}
                    if port in (odocker.get('httpPort'), odocker.get('httpsPort')):
                        raise _RepoError('Port %s is already in use by repository %s'
                                         % (port, other['config']['name']))

    def _store_repo(self, fmt, rtype, body):
        config = copy.deepcopy(body)
        name = config['name']
        auth = (config.get('httpClient') or {}).get('authentication')
        if auth is not None:
            password = auth.pop('password', None)
            auth.pop('bearerToken', None)
            if password:
                self.repo_secrets[name.lower()] = password
            else:
                self.repo_secrets.pop(name.lower(), None)
        else:
            self.repo_secrets.pop(name.lower(), None)
        self._store_signing(fmt, rtype, config)
        config['format'] = API_FORMAT.get(fmt, fmt)
        config['type'] = rtype
        config['url'] = self._url(name)
        config.setdefault('cleanup', {'policyNames': []})
        if config.get('cleanup') is None:
            config['cleanup'] = {'policyNames': []}
        if rtype == 'group':
            config.pop('cleanup', None)
        if fmt == 'pypi' and rtype == 'proxy':
            config.setdefault('pypi', {})
        if fmt == 'raw':
            config['raw'] = config.get('raw') or {'contentDisposition': 'ATTACHMENT'}
        if fmt == 'maven' and 'maven' in config:
            config['maven'].setdefault('contentDisposition', 'INLINE')
        if fmt == 'docker':
            config['docker'].setdefault('pathEnabled', True)
        for key in ('routingRule',):
            config.pop(key, None)
        if not config.get('routingRuleName'):
            config.pop('routingRuleName', None)
        self.repos[name.lower()] = {'format': fmt, 'type': rtype, 'config': config}

    @_repo_routes('create')
    def create_repository(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        body = call.body
        try:
            if body['name'].lower() in self.repos:
                raise _RepoError("Repository name '%s' is already used, names must be unique (ignoring case)"
                                 % body['name'])
            self._validate_repo(fmt, rtype, body)
        except _RepoError as exc:
            return _json_string(400, str(exc))
        self._store_repo(fmt, rtype, body)
        return 201, None

    @_repo_routes('get')
    def get_repository_settings(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        repo = self.repos.get(call.params['repositoryName'].lower())
        if repo is None or repo['format'] != fmt or repo['type'] != rtype:
            return _json_string(404, 'Repository not found')  # as the server: a JSON string
        body = copy.deepcopy(repo['config'])
        self._show_signing(fmt, rtype, body)
        self._check_full_repo(fmt, rtype, body, 'GET %s' % call.path)
        return 200, body

    def _check_full_repo(self, fmt, rtype, body, where):
        """The spec describes some per-format GETs only as AbstractApiRepository: the body must also be
        what the matching create request accepts (that is how Nexus's API models are built)."""
        op = self.spec.operation('/v1/repositories/%s/%s' % (fmt, rtype), 'post') if self.spec else None
        if op is None:
            return
        request_schema = op['requestBody']['content']['application/json']['schema']['$ref'].split('/')[-1]
        trimmed = dict((k, v) for k, v in body.items() if k not in ('format', 'type', 'url'))
        self._check_schema(trimmed, request_schema, where)

    @_repo_routes('update')
    def update_repository(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        name = call.params['repositoryName']
        repo = self.repos.get(name.lower())
        if repo is None:
            return 404, None  # the repository manager's update() returned false: a bare 404
        body = call.body
        try:
            if repo['format'] != fmt or repo['type'] != rtype:
                raise _RepoError('Repository %s is a %s %s repository, not %s %s'
                                 % (name, repo['format'], repo['type'], fmt, rtype))
            if body['name'] != repo['config']['name']:
                raise _RepoError('Renaming a repository is not supported')
            self._validate_repo(fmt, rtype, body, existing=repo)
        except _RepoError as exc:
            return _json_string(400, str(exc))
        self._store_repo(fmt, rtype, body)
        return 204, None

    def _summary(self, repo):
        config = repo['config']
        summary = {'name': config['name'], 'format': config['format'], 'type': repo['type'],
                   'url': config['url'], 'attributes': {}}
        if repo['type'] == 'proxy':
            summary['attributes'] = {'proxy': {'remoteUrl': config['proxy']['remoteUrl']}}
        return summary

    @route('GET', '/v1/repositories/{repositoryName}', extra_statuses=(200,))
    def get_repository(self, call):
        repo = self._get_repo(call.params['repositoryName'])
        body = self._summary(repo)
        self._check_schema(body, 'RepositoryXO', 'GET /v1/repositories/{repositoryName}')
        return 200, body

    @route('GET', '/v1/repositories')
    def list_repositories(self, call):
        return 200, [self._summary(r) for _, r in sorted(self.repos.items())]

    @route('GET', '/v1/repositorySettings')
    def list_repository_settings(self, call):
        self._require_admin(call)
        listed = []
        for _, repo in sorted(self.repos.items()):
            listed.append(copy.deepcopy(repo['config']))
            self._show_signing(repo['format'], repo['type'], listed[-1])
        return 200, listed

    @route('DELETE', '/v1/repositories/{repositoryName}')
    def delete_repository(self, call):
        self._require_admin(call)
        key = call.params['repositoryName'].lower()
        self._get_repo(key)
        del self.repos[key]
        self.repo_secrets.pop(key, None)
        self._forget_signing(key)
        for repo in self.repos.values():  # Nexus removes a deleted repository from every group
            group = repo['config'].get('group')
            if group:
                group['memberNames'] = [m for m in group['memberNames'] if m.lower() != key]
                if (group.get('writableMember') or '').lower() == key:
                    group.pop('writableMember', None)
        return 204, None

    # --- blob stores ---------------------------------------------------------------------------------------
    @route('GET', '/v1/blobstores')
    def list_blobstores(self, call):
        self._require_admin(call)
        result = []
        for name, store in sorted(self.blobstores.items()):
            item = {'name': name, 'type': store['type'], 'unavailable': False, 'blobCount': 0,
                    'totalSizeInBytes': 0, 'availableSpaceInBytes': 0}
            if store['config'].get('softQuota'):
                item['softQuota'] = store['config']['softQuota']
            result.append(item)
        return 200, result

    def _blobstore(self, name, kind):
        store = self.blobstores.get(name)
        if store is None or store['type'] != kind:
            raise HttpError(404, '%s blob store %s not found' % (kind, name))
        return store

    @staticmethod
    def _check_quota(body):
        quota = body.get('softQuota')
        if quota is not None and quota['type'] not in ('spaceRemainingQuota', 'spaceUsedQuota'):
            raise _bad('softQuota.type must be spaceRemainingQuota or spaceUsedQuota', 'PARAMETER softQuota')

    @route('POST', '/v1/blobstores/file', extra_statuses=(400,))
    def create_file_blobstore(self, call):
        self._require_admin(call)
        body = call.body
        if body['name'] in self.blobstores:
            raise _bad('A blob store with that name already exists', 'PARAMETER name')
        self._check_quota(body)
        config = {'path': body['path']}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        self.blobstores[body['name']] = {'type': 'File', 'config': config}
        return 204, None

    @route('GET', '/v1/blobstores/file/{name}')
    def get_file_blobstore(self, call):
        self._require_admin(call)
        return 200, copy.deepcopy(self._blobstore(call.params['name'], 'File')['config'])

    @route('PUT', '/v1/blobstores/file/{name}', extra_statuses=(400,))
    def update_file_blobstore(self, call):
        self._require_admin(call)
        store = self._blobstore(call.params['name'], 'File')
        body = call.body
        self._check_quota(body)
        config = {'path': body.get('path') or store['config']['path']}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        store['config'] = config
        return 204, None

    def _s3_config(self, name, body, existing=None):
        bucket_conf = body['bucketConfiguration']
        security = bucket_conf.get('security') or bucket_conf.get('bucketSecurity')
        advanced = bucket_conf.get('advancedConnection') or bucket_conf.get('advancedBucketConnection')
        config = {'name': name, 'type': 's3', 'bucketConfiguration': {'bucket': dict(bucket_conf['bucket'])}}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        if security:
            security = dict(security)
            stored = self.blobstore_secrets.get(name) or {}
            kept = {}
            # secretAccessKey and sessionToken are secrets: answered as the placeholder, which keeps them
            # when sent back (S3BlobStoreResource.updateBlobStore; S3BlobStoreResourceTest)
            for field in ('secretAccessKey', 'sessionToken'):
                value = security.pop(field, None)
                if value == PLACEHOLDER:
                    if existing is None or field not in stored:
                        raise _bad('%s is required' % field, 'PARAMETER %s' % field)
                    kept[field] = stored[field]
                elif value:
                    kept[field] = value
            if kept:
                self.blobstore_secrets[name] = kept
            else:
                self.blobstore_secrets.pop(name, None)
            config['bucketConfiguration']['security'] = security
        else:
            self.blobstore_secrets.pop(name, None)
        if advanced:
            config['bucketConfiguration']['advancedConnection'] = dict(advanced)
        encryption = bucket_conf.get('encryption')
        if encryption:
            # the encryption types Nexus's API models list (S3BlobStoreApiEncryption: s3ManagedEncryption,
            # kmsManagedEncryption)
            if encryption.get('encryptionType') not in ('s3ManagedEncryption', 'kmsManagedEncryption'):
                raise _bad('Unknown encryption type %s' % encryption.get('encryptionType'), 'encryptionType')
            config['bucketConfiguration']['encryption'] = dict(encryption)
        return config

    @route('POST', '/v1/blobstores/s3', extra_statuses=(400,))
    def create_s3_blobstore(self, call):
        self._require_admin(call)
        body = call.body
        name = body['name']
        if name in self.blobstores:
            raise _bad('A blob store with that name already exists', 'PARAMETER name')
        self._check_quota(body)
        self.blobstores[name] = {'type': 'S3', 'config': self._s3_config(name, body)}
        return 201, None

    @route('GET', '/v1/blobstores/s3/{name}')
    def get_s3_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        config = copy.deepcopy(self._blobstore(name, 'S3')['config'])
        security = config['bucketConfiguration'].get('security')
        for field in (self.blobstore_secrets.get(name) or {}) if security is not None else ():
            security[field] = PLACEHOLDER
        return 200, config

    @route('PUT', '/v1/blobstores/s3/{name}', extra_statuses=(404,))
    def update_s3_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        store = self.blobstores.get(name)
        if store is None or store['type'] != 'S3':
            raise _bad('S3 blob store %s does not exist' % name)
        if call.body['name'] != name:
            raise _bad('Renaming a blob store is not supported', 'PARAMETER name')
        self._check_quota(call.body)
        store['config'] = self._s3_config(name, call.body, existing=store)
        return 204, None

    @route('DELETE', '/v1/blobstores/{name}')
    def delete_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.blobstores:
            raise HttpError(404, 'Blob store %s not found' % name)
        users = [r['config']['name'] for r in self.repos.values()
                 if r['config']['storage']['blobStoreName'] == name]
        if users:
            raise _bad('Blob store (%s) is in use by %d repositories' % (name, len(users)))
        del self.blobstores[name]
        self.blobstore_secrets.pop(name, None)
        return 204, None

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
