# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus Repository 3 through its REST API (/service/rest): no Groovy scripts, which Nexus disables.

Facts the code relies on (Nexus 3.94's API description and server source, see tests/emulators/nexus.py):
- Create repository -> 201, duplicate name (case-insensitive) -> 400, update (full PUT) -> 204, 404 when
  missing. A repository's name, format, type and blob store cannot be changed.
- GET /v1/repositories/{name} is a summary (name, format, type, url); the full settings come from the
  per-format GET /v1/repositories/{format}/{type}/{name}, which is 404 for a repository of another
  format/type. Steady state therefore costs one request per repository.
- writePolicy is echoed as stored (ALLOW_ONCE or allow_once): compared case-insensitively.
- The remote password of a proxy is never returned: it cannot be compared, hence update_password.
- S3 blob stores: `security` and `advancedConnection`; the secret key is returned as a placeholder, and
  sending the placeholder back keeps the stored secret.
- Blob store soft quotas: `softQuota.limit` is BYTES, stored as sent (BlobStoreApiModel and
  S3BlobStoreApiModelMapper put it into the quota's `limit` attribute, which the quota checks compare with
  bytes); the spec's "The limit in MB" describes only the UI, which converts MB (10^6 bytes) itself.
- `writableMember` (group deployment) is Nexus Pro only: AbstractGroupRepositoriesApiResource refuses it
  unless ApplicationVersion.getEdition() is "PRO" ("Deploying to groups is a PRO-licensed feature"). Every
  answer names the edition in its Server header, `Nexus/<version> (<edition>)` (EnvironmentFilter).
- Users: POST -> 200, PUT -> 204, change-password is a PUT with a text/plain body; GET ?userId= is a
  prefix search. First start: admin.password holds a random password until it is changed.
- Errors are lists of {"id", "message"}; _http.server_message reads them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import (  # noqa: F401  (_get_or_none: shared)
    ApiError, basic_auth, get_or_none as _get_or_none, path_quote, signs_in, split_credentials)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    http_client,
    ModuleFailure,
    Resource,
    require_name,
)

API = '/service/rest'
PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'

NAME_PATTERN = re.compile(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$')
URL_PATTERN = re.compile(r'^https?://[^/\s:?#]+(:\d+)?([/?#]\S*)?$')


class NexusOperation:
    """Connection options and client for every Nexus module (mixed into Resource / Info)."""

    service = 'nexus'
    connection_options = dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['NEXUS_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['NEXUS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['NEXUS_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['NEXUS_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['NEXUS_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['NEXUS_TIMEOUT'])),
    )
    module_kwargs = dict(required_together=[('username', 'password')])

    @classmethod
    def make_client(cls, params):
        url = params.get('url')
        if not isinstance(url, str) or not URL_PATTERN.match(split_credentials(url.strip())[0]):
            raise ModuleFailure('url must be the http:// or https:// base URL of Nexus, for example '
                                'https://nexus.example.com, got %r' % (url,))
        base = url.strip().rstrip('/')
        if base.endswith(API):  # accept the REST root too
            base = base[:-len(API)]
        return http_client(params, base + API)


SERVER_HEADER = re.compile(r'^Nexus/\S+ \(([A-Za-z_]+)\)')


def server_edition(client):
    """The edition Nexus names in its Server header (`Nexus/3.94.0-12 (COMMUNITY)`; OSS, COMMUNITY or PRO),
    upper case; None when a proxy in front of Nexus replaced the header."""
    found = SERVER_HEADER.match(client.request('GET', '/v1/status').header('Server') or '')
    return found.group(1).upper() if found else None


def _check_url(value, field):
    if value is not None and not URL_PATTERN.match(value):
        raise ModuleFailure('%s must be an http:// or https:// URL with a host name, got %r' % (field, value))


def require_object_name(params, field='name'):
    """A security object's name as Nexus's NamePatternConstants allows it (privileges, content selectors)."""
    name = require_name(params, field)
    if not NAME_PATTERN.match(name):
        raise ModuleFailure('%s may contain only letters, digits, -, _ and . and must not start with _ or . (Nexus '
                            'refuses it), got %r' % (field, name))
    return name


def already_exists(exc):
    """Whether a failed create means another run created the object first (Nexus answers 400 "... already
    exists" for privileges and content selectors)."""
    return exc.status == 400 and 'already exists' in (exc.message or '')


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _sorted_unique(values):
    return sorted(set(values or []))


# -- users and roles -------------------------------------------------------------------------------------
USER_STATUSES = ('active', 'locked', 'disabled', 'changepassword')


def user_view(raw):
    return {'user_id': raw.get('userId'), 'first_name': raw.get('firstName'), 'last_name': raw.get('lastName'),
            'email': raw.get('emailAddress'), 'status': raw.get('status'), 'source': raw.get('source'),
            'roles': _sorted_unique(raw.get('roles')), 'external_roles': _sorted_unique(raw.get('externalRoles')),
            'read_only': raw.get('readOnly')}


def get_user(client, user_id):
    # ?userId= is a prefix search: keep the exact match of the default (local) user source.
    for raw in client.get('/v1/security/users', query={'userId': user_id, 'source': 'default'}) or []:
        if raw.get('userId') == user_id:
            return raw
    return None


class User(NexusOperation, Resource):
    result_key = 'user'
    kind = 'Nexus user'
    module_options = dict(
        user_id=dict(type='str', required=True, aliases=['name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        first_name=dict(type='str'),
        last_name=dict(type='str'),
        email=dict(type='str'),
        user_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        status=dict(type='str', choices=list(USER_STATUSES)),
        roles=dict(type='list', elements='str'),
    )

    def describe(self):
        return "Nexus user '%s'" % self.params.get('user_id')

    def validate(self):
        require_name(self.params, 'user_id')
        email = self.params.get('email')
        if email is not None and not re.match(r'^[^@\s]+@[^@\s]+$', email):
            raise ModuleFailure('email must be an e-mail address, got %r' % email)
        for field in ('first_name', 'last_name'):
            if self.params.get(field) is not None and not self.params[field].strip():
                raise ModuleFailure('%s must not be empty (Nexus requires it)' % field)
        if self.params.get('user_password') == '':
            raise ModuleFailure('user_password must not be empty')

    def read(self):
        raw = get_user(self.client, self.params['user_id'])
        self.raw = raw
        return user_view(raw) if raw is not None else None

    def validate_against(self, current):
        p = self.params
        if current is None:
            missing = [f for f in ('first_name', 'last_name', 'email', 'user_password') if not p.get(f)]
            if missing:
                verb = ' is' if len(missing) == 1 else ' are'
                raise ModuleFailure('%s required to create %s' % (', '.join(missing) + verb, self.describe()))

    def _password_works(self):
        """Whether user_password already authenticates (401 means it does not; 403 is a valid login)."""
        return signs_in(self.client, '/v1/security/users', self.params['user_id'], self.params['user_password'],
                        query={'userId': self.params['user_id']})

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'user_id': p['user_id'], 'first_name': None, 'last_name': None, 'email': None, 'status': 'active',
            'source': 'default', 'roles': [], 'external_roles': [], 'read_only': False}
        for option in ('first_name', 'last_name', 'email', 'status'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('roles') is not None:
            view['roles'] = _sorted_unique(p['roles'])
        self.set_password = False
        if current and p.get('user_password') and p['update_password'] == 'always':
            if current['status'] != 'active' or not self._password_works():
                view['password_updated'] = True
                self.set_password = True
        return view

    def _body(self, view):
        return {'userId': view['user_id'], 'firstName': view['first_name'], 'lastName': view['last_name'],
                'emailAddress': view['email'], 'status': view['status'], 'roles': list(view['roles'])}

    def create(self, desired):
        body = self._body(desired)
        body['password'] = self.params['user_password']
        self.client.post('/v1/security/users', body)

    def update(self, current, desired):
        path = '/v1/security/users/' + path_quote(current['user_id'])
        plain = dict((k, v) for k, v in desired.items() if k != 'password_updated')
        if plain != current:
            body = self._body(desired)
            body.update(source=current['source'], readOnly=bool(current.get('read_only')),
                        externalRoles=list(current.get('external_roles') or []))
            self.client.put(path, body)
        if self.set_password:
            self.client.request('PUT', path + '/change-password', data=self.params['user_password'],
                                content_type='text/plain')

    def delete(self, current):
        self.client.delete('/v1/security/users/' + path_quote(current['user_id']))

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'password_updated')


def role_view(raw):
    return {'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description') or '',
            'source': raw.get('source'), 'read_only': raw.get('readOnly'),
            'privileges': _sorted_unique(raw.get('privileges')), 'roles': _sorted_unique(raw.get('roles'))}


class Role(NexusOperation, Resource):
    result_key = 'role'
    kind = 'Nexus role'
    module_options = dict(
        id=dict(type='str', required=True),
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        privileges=dict(type='list', elements='str'),
        roles=dict(type='list', elements='str'),
        source=dict(type='str', default='default', choices=['default', 'LDAP']),
    )

    def describe(self):
        return "Nexus role '%s'" % self.params.get('id')

    def _check_external_group(self):
        """source LDAP: the role maps the LDAP group of the same name, which must exist. Nexus resolves a user's
        LDAP groups to roles by id (AuthorizingRealmImpl collects role ids, RolePermissionResolverImpl reads each
        with configuration.readRole(id)), so the mapping is a role whose id is the group's name. The REST API
        stores every role with source default (RoleApiResource.fromXO); the group is looked up through the LDAP
        source first (GET /v1/security/roles/{id}?source=LDAP), as the UI's External Role Mapping does
        (coreui RoleComponent.create)."""
        try:
            self.client.get('/v1/security/roles/' + path_quote(self.params['id']), query={'source': 'LDAP'})
        except ApiError as exc:
            if exc.status not in (400, 404):
                raise
            if self.check_mode:  # the connection may be one this check-mode run would create first
                self.warn('%s: no LDAP connection of this Nexus knows a group %s yet (%s); the real run fails unless '
                          'the group exists by then' % (self.describe(), self.params['id'], exc.message))
                return
            raise ModuleFailure('%s maps an LDAP group, but no LDAP connection of this Nexus knows a group %s (%s); '
                                'check the group name (case matters) and the connection (maestro.platform.nexus_ldap)'
                                % (self.describe(), self.params['id'], exc.message))

    def validate(self):
        role_id = require_name(self.params, 'id')
        if role_id in (self.params.get('roles') or []):
            raise ModuleFailure('roles: role %s cannot contain itself' % role_id)

    def read(self):
        raw = _get_or_none(self.client, '/v1/security/roles/' + path_quote(self.params['id']))
        return role_view(raw) if raw is not None else None

    def validate_against(self, current):
        if current is None and self.params.get('source') == 'LDAP':
            self._check_external_group()
        if current and current['read_only'] and differs_role(self.desired(current), current):
            raise ModuleFailure('%s is a built-in read-only role and cannot be changed; create your own role that '
                                'contains it' % self.describe())

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'id': p['id'], 'name': p['id'], 'description': '', 'source': 'default', 'read_only': False,
            'privileges': [], 'roles': []}
        for option in ('name', 'description'):
            if p.get(option) is not None:
                view[option] = p[option]
        for option in ('privileges', 'roles'):
            if p.get(option) is not None:
                view[option] = _sorted_unique(p[option])
        return view

    def _body(self, view):
        return {'id': view['id'], 'name': view['name'], 'description': view['description'],
                'privileges': list(view['privileges']), 'roles': list(view['roles'])}

    def create(self, desired):
        self.client.post('/v1/security/roles', self._body(desired))

    def update(self, current, desired):
        self.client.put('/v1/security/roles/' + path_quote(current['id']), self._body(desired))

    def delete(self, current):
        self.client.delete('/v1/security/roles/' + path_quote(current['id']))


def differs_role(desired, current):
    return any(desired[k] != current[k] for k in ('name', 'description', 'privileges', 'roles'))


# -- security settings -----------------------------------------------------------------------------------
class Security(NexusOperation, Resource):
    result_key = 'security'
    kind = 'Nexus security settings'
    module_options = dict(
        realms=dict(type='list', elements='str'),
        anonymous_access=dict(type='bool'),
        anonymous_user_id=dict(type='str'),
        anonymous_realm=dict(type='str'),
    )

    def describe(self):
        return 'the Nexus security settings'

    def validate(self):
        realms = self.params.get('realms')
        if realms is not None:
            if not realms:
                raise ModuleFailure('realms must list at least one realm, in the order Nexus should try them, '
                                    'for example [NexusAuthenticatingRealm, DockerToken]')
            if len(set(realms)) != len(realms):
                raise ModuleFailure('realms lists a realm twice: %s' % ', '.join(realms))
            if 'NexusAuthenticatingRealm' not in realms:
                self.warn('realms does not include NexusAuthenticatingRealm: local users (admin included) will no '
                          'longer be able to sign in')

    def read(self):
        realms = self.client.get('/v1/security/realms/active') or []
        anonymous = self.client.get('/v1/security/anonymous') or {}
        return {'realms': list(realms), 'anonymous_access': bool(anonymous.get('enabled')),
                'anonymous_user_id': anonymous.get('userId'), 'anonymous_realm': anonymous.get('realmName')}

    def validate_against(self, current):
        realms = self.params.get('realms')
        if realms is not None and realms != current['realms']:
            available = [r.get('id') for r in self.client.get('/v1/security/realms/available') or []]
            unknown = [r for r in realms if r not in available]
            if unknown:
                raise ModuleFailure('realms: %s not available on this Nexus; available realms are %s'
                                    % (', '.join(unknown), ', '.join(available)))

    def desired(self, current):
        view = copy.deepcopy(current)
        for option in ('realms', 'anonymous_access', 'anonymous_user_id', 'anonymous_realm'):
            if self.params.get(option) is not None:
                view[option] = self.params[option]
        return view

    def update(self, current, desired):
        if desired['realms'] != current['realms']:
            self.client.put('/v1/security/realms/active', list(desired['realms']))
        anonymous = ('anonymous_access', 'anonymous_user_id', 'anonymous_realm')
        if any(desired[k] != current[k] for k in anonymous):
            self.client.put('/v1/security/anonymous', {'enabled': desired['anonymous_access'],
                                                       'userId': desired['anonymous_user_id'],
                                                       'realmName': desired['anonymous_realm']})


# -- first-start bootstrap -------------------------------------------------------------------------------
class AdminPassword(NexusOperation, Resource):
    """Make the connection credentials work: the first start's generated password -> the desired one."""

    result_key = 'admin'
    kind = 'Nexus admin password'
    module_options = dict(
        initial_password=dict(type='str', no_log=True),
        initial_password_file=dict(type='path'),
        accept_eula=dict(type='bool', default=False),
    )
    module_kwargs = dict(required_together=[('username', 'password')],
                         mutually_exclusive=[('initial_password', 'initial_password_file')])

    def describe(self):
        return "the password of Nexus user '%s'" % self.params.get('username')

    def validate(self):
        p = self.params
        if not p.get('username') or not p.get('password'):
            raise ModuleFailure('username and password are required: they are the credentials this task makes work '
                                '(the desired admin password)')
        self.path = p.get('initial_password_file')

    def _works(self, password):
        return signs_in(self.client, '/v1/security/users', self.params['username'], password,
                        query={'userId': self.params['username']})

    def _initial_password(self):
        p = self.params
        if p.get('initial_password'):
            return p['initial_password'], 'initial_password'
        if self.path:
            try:
                with open(self.path) as handle:
                    return handle.read().strip(), self.path
            except (IOError, OSError):
                return None, self.path
        return None, None

    def read(self):
        self.desired_works = self._works(self.params['password'])
        state = {'username': self.params['username'], 'password_works': self.desired_works}
        if self.params['accept_eula']:
            auth = None
            if not self.desired_works:
                initial, source = self._initial_password()
                if initial and self._works(initial):
                    auth = initial
            if self.desired_works or auth:
                headers = {'Authorization': basic_auth(self.params['username'], auth)} if auth else None
                self.eula = self.client.request('GET', '/v1/system/eula', headers=headers).json or {}
                state['eula_accepted'] = bool(self.eula.get('accepted'))
        return state

    def validate_against(self, current):
        if self.desired_works:
            return
        initial, source = self._initial_password()
        if initial is None:
            where = ('the file %s (Nexus deletes it once the admin password was changed)' % source if source
                     else 'initial_password or initial_password_file')
            raise ModuleFailure("the password given for '%s' does not work and no initial password was found in %s. "
                                "Give the current password in initial_password." % (self.params['username'], where))
        if not self._works(initial):
            raise ModuleFailure("neither the desired password nor the initial password from %s works for '%s'"
                                % (source, self.params['username']))
        self.initial = initial

    def desired(self, current):
        view = dict(current, password_works=True)
        if self.params['accept_eula']:
            view['eula_accepted'] = True
        return view

    def update(self, current, desired):
        username = self.params['username']
        if not current['password_works']:
            self.client.request('PUT', '/v1/security/users/%s/change-password' % path_quote(username),
                                data=self.params['password'], content_type='text/plain',
                                headers={'Authorization': basic_auth(username, self.initial)})
        if desired.get('eula_accepted') and not current.get('eula_accepted'):
            self.client.post('/v1/system/eula', {'accepted': True, 'disclaimer': self.eula.get('disclaimer', '')})
