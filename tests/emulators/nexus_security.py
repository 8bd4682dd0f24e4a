# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Nexus security objects for the Nexus emulator (a mixin of tests/emulators/nexus.py's NexusEmulator): privileges,
content selectors, LDAP connections and the LDAP role source. Test support, not shipped.

Every request and response is validated against Nexus 3.94's API description by the framework, like the rest
of the emulator. Behaviour, read from Nexus's source (sonatype/nexus-public at aec50e47d0):
- privileges (components/nexus-security .../privilege/rest, components/nexus-repository-services
  .../repository/security/rest): POST /<type> -> 201; a name in use -> 400 "Privilege '<n>' already exists, use
  a unique name." (PRIV_UNIQUE); PUT /<type>/<name> -> 204, a body name other than the path -> 409
  (PRIV_CONFLICT), missing -> 404 (PRIV_NOT_FOUND), read-only -> 400 (PRIV_INTERNAL). doUpdate copies ONLY the
  description and the properties onto the stored privilege, so its type is kept: a PUT to another type's
  endpoint leaves e.g. a wildcard privilege with repository properties (emulated as such). DELETE removes the
  privilege from every role (SecurityConfigurationManagerImpl.cleanRemovedPrivilege). These messages are JSON
  strings (WebApplicationMessageException with APPLICATION_JSON).
- allowed actions: PrivilegeDescriptorSupport.validateActions with getBreadActions (repository types),
  getBreadRunActions (script) and getCrudTaskAction (application) -> 400 "Privilege of type '<t>' cannot use
  action(s) of type '<A,B>'."; application stores ADD/EDIT as create/update and GET maps them back
  (PrivilegeAction.fromAction). Repository types: RepositoryPrivilegeDescriptorSupport (INVALID_REPOSITORY,
  INVALID_FORMAT_FOR_REPOSITORY, INVALID_FORMAT); the content selector must exist (INVALID_SELECTOR); the
  script must exist (INVALID_SCRIPT; the emulator has no scripts unless a test adds names to ``scripts``).
- built-in privileges are read-only: the static ones of nexus.py and the repository privileges Nexus derives
  for every repository (nx-repository-view|admin-<format>-<repo>-<action>).
- content selectors (ContentSelectorsApiResource): POST -> 204, PUT -> 204 (description and expression
  only), GET/PUT/DELETE of a missing one -> 404 "No selector found for <name>"; a duplicate -> 400
  [{"id": "name", ...}] (SelectorManagerImpl.create). The expression is validated by CselValidator (400
  [{"id": "expression", "message": "Invalid CSEL: ..."}]): identifiers format and path only, == != =~ =^,
  and/or/&&/||, parentheses, string literals without embedded quotes, =~ patterns must compile. Emulated with
  a small parser; NOT emulated: JEXL's full syntax (numbers, functions, the `not` operator... are simply
  refused, as CselValidator refuses them, but with a different wording), Java-vs-Python regex differences.
  Deleting a selector that a repository-content-selector privilege uses throws IllegalStateException in
  SelectorManagerImpl.delete, which UnexpectedExceptionMapper answers with 500 text/plain "ERROR: (ID ...)".
- LDAP (the LDAP plugin's source is not public: the API description plus the UI code in
  plugins/nexus-coreui-plugin .../LdapServers): POST -> 201, GET/PUT/DELETE /{name} (404 when missing), GET
  never returns authPassword and adds `id` and `order`. The emulator is stricter than what is known of the
  server where the description says "Required if ...": a connection whose scheme binds needs authUsername and
  an authPassword (kept from before when a PUT omits it? unknown: the UI always sends it, so the emulator
  refuses a PUT without it), a SASL scheme needs authRealm, ldapGroupsAsRoles needs groupType and that type's
  fields -> 400 [{"id", "message"}].
- roles of the LDAP source: GET /v1/security/roles?source=LDAP and /roles/{id}?source=LDAP list/answer the
  groups of ``ldap_groups`` (a test's stand-in for the directory) once an LDAP connection exists; an unknown
  source -> 400 "\"Source '<s>' does not exist.\"" (RoleApiResource.buildBadSourceException).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import uuid

from tests.emulators.framework import HttpError, route

PRIVILEGE_TYPES = ('application', 'repository-admin', 'repository-content-selector', 'repository-view', 'script',
                   'wildcard')
BREAD = ('BROWSE', 'READ', 'EDIT', 'ADD', 'DELETE', 'ALL')
ALLOWED_ACTIONS = {'repository-view': BREAD, 'repository-admin': BREAD, 'repository-content-selector': BREAD,
                   'script': BREAD + ('RUN',),
                   'application': ('READ', 'EDIT', 'ADD', 'DELETE', 'ASSOCIATE', 'DISASSOCIATE', 'START', 'STOP',
                                   'ALL')}
# the properties each type stores (API names)
PROPERTIES = {'repository-view': ('format', 'repository', 'actions'),
              'repository-admin': ('format', 'repository', 'actions'),
              'repository-content-selector': ('format', 'repository', 'contentSelector', 'actions'),
              'application': ('domain', 'actions'), 'script': ('scriptName', 'actions'), 'wildcard': ('pattern',)}
NAME_RE = re.compile(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$')
LDAP_REQUIRED_BY_GROUP = {'STATIC': ('groupObjectClass', 'groupIdAttribute', 'groupMemberAttribute',
                                     'groupMemberFormat'),
                          'DYNAMIC': ('userMemberOfAttribute',)}


class Refused(Exception):
    """A WebApplicationMessageException: the status with the message as a JSON string."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _messages(func):
    @functools.wraps(func)
    def handler(self, *args):
        try:
            return func(self, *args)
        except Refused as exc:
            return exc.status, json.dumps(str(exc)).encode('utf-8'), {'Content-Type': 'application/json'}
    return handler


def _builtin(name, ptype, **properties):
    return dict(name=name, type=ptype, description=name, readOnly=True, **properties)


BUILTIN = {
    'nx-all': _builtin('nx-all', 'wildcard', pattern='nexus:*'),
    'nx-admin': _builtin('nx-admin', 'wildcard', pattern='nexus:*'),
}


class CselError(Exception):
    pass


class _Csel:
    """A recursive-descent reading of CSEL as CselValidator accepts it (see the module docstring)."""

    TOKENS = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')|(?P<op>==|!=|=~|=\^|&&|\|\||[()])'
                        r'|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\S))')

    def __init__(self, text):
        self.tokens = []
        for found in self.TOKENS.finditer(text):
            kind = found.lastgroup
            if kind is None:
                continue
            value = found.group(kind)
            if kind == 'word' and value in ('and', 'or'):
                kind, value = 'op', '&&' if value == 'and' else '||'
            self.tokens.append((kind, value))
        self.at = 0

    def _peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None)

    def _take(self):
        token = self._peek()
        self.at += 1
        return token

    def parse(self):
        if not self.tokens:
            raise CselError('Expression is empty')
        self._or()
        if self.at != len(self.tokens):
            raise CselError('Parse error at %r' % (self._peek()[1],))

    def _or(self):
        # and/or bind differently in JEXL, but CselValidator accepts both wherever: one level is enough here
        self._term()
        while self._peek() in (('op', '||'), ('op', '&&')):
            self._take()
            self._term()

    def _term(self):
        kind, value = self._take()
        if (kind, value) == ('op', '('):
            self._or()
            if self._take() != ('op', ')'):
                raise CselError('Missing )')
            return
        self.at -= 1
        self._operand()
        kind, operator = self._take()
        if kind != 'op' or operator not in ('==', '!=', '=~', '=^'):
            raise CselError('Expression not supported in CSEL selector')
        right = self._operand()
        if operator == '=~':
            try:
                re.compile(right)
            except re.error as exc:
                raise CselError(str(exc))

    def _operand(self):
        kind, value = self._take()
        if kind == 'word':
            if value not in ('format', 'path'):
                raise CselError("Invalid identifier %s, expected one of [format, path]" % value)
            return value
        if kind == 'str':
            literal = value[1:-1]
            if '"' in literal or "'" in literal:
                raise CselError("String literal '%s' should not contain embedded string (\" or ')" % literal)
            return literal
        raise CselError('Expression not supported in CSEL selector')


def csel_error(expression):
    try:
        _Csel(expression).parse()
    except CselError as exc:
        return 'Invalid CSEL: %s' % exc
    return None


class _Privileges:
    """Privileges (part of NexusSecurityMixin)."""

    def _validate_response(self, call, route_, status, headers, data, strict=True):
        # Two gaps of the API description, both for privileges:
        # - POST /v1/security/privileges/<type> declares `'201': {content: {}}`, which openapi-core reads as "a
        #   body is required"; PrivilegeApiResourceSupport.doCreate answers Response.status(CREATED).build(), no
        #   body.
        # - ApiPrivilegeRequest.name carries the request's name pattern (NamePatternConstants), which the names of
        #   Nexus's own derived privileges break (nx-repository-view-*-*-read): answers holding them are checked
        #   with a stand-in name in place of each '*'.
        if route_.template.startswith('/v1/security/privileges'):
            if status == 201 and not data:
                return None
            if status == 200 and data and b'*' in data:
                parsed = json.loads(data)
                for item in parsed if isinstance(parsed, list) else [parsed]:
                    item['name'] = item['name'].replace('*', 'all')
                data = json.dumps(parsed).encode('utf-8')
        return super()._validate_response(call, route_, status, headers, data, strict=strict)

    # --- privileges ------------------------------------------------------------------------------------------
    def _derived_privilege(self, name):
        """A built-in privilege Nexus derives (the static list of nexus.py, or one per repository), or None."""
        if name in BUILTIN:
            return copy.deepcopy(BUILTIN[name])
        if not self._privilege_exists(name) or name in self.privileges:
            return None
        found = re.match(r'^nx-repository-(view|admin)-([^-]+|\*)-(.+)-([a-z*]+)$', name)
        if found:
            kind, fmt, repo, action = found.groups()
            return _builtin(name, 'repository-' + kind, format=fmt, repository=repo,
                            actions=['ALL' if action == '*' else action.upper()])
        domain = name[len('nx-'):].rsplit('-', 1)[0]
        return _builtin(name, 'application', domain=domain, actions=['ALL'])

    def _find_privilege(self, name):
        stored = self.privileges.get(name)
        return copy.deepcopy(stored) if stored is not None else self._derived_privilege(name)

    def custom_privilege_exists(self, name):
        return name in self.privileges

    def _check_privilege(self, ptype, body):
        actions = body.get('actions')
        if ptype in ALLOWED_ACTIONS:
            if not actions:
                raise HttpError(400, 'may not be empty', code='%s.actions' % ptype)
            wrong = sorted(set(a for a in actions if a not in ALLOWED_ACTIONS[ptype]))
            if wrong:
                raise Refused(400, "Privilege of type '%s' cannot use action(s) of type '%s'."
                              % (ptype, ','.join(wrong)))
        if ptype.startswith('repository-'):
            self._check_repository_privilege(body)
        if ptype == 'repository-content-selector' and body['contentSelector'] not in self.content_selectors:
            raise Refused(400, "Invalid selector '%s' supplied." % body['contentSelector'])
        if ptype == 'script' and body['scriptName'] not in self.scripts:
            raise Refused(400, "Invalid script '%s' supplied." % body['scriptName'])

    def _check_repository_privilege(self, body):
        repo, fmt = body['repository'], body['format']
        stored = self.repos.get(repo.lower()) if repo != '*' else None
        if repo != '*' and stored is None:
            raise Refused(400, "Invalid repository '%s' supplied." % repo)
        if fmt != '*' and stored is not None and stored['config']['format'] != fmt:
            raise Refused(400, "Invalid format '%s' supplied for repository '%s'." % (fmt, repo))
        from tests.emulators.nexus import API_FORMAT, FORMATS
        if fmt != '*' and fmt not in set(API_FORMAT.get(f, f) for f in FORMATS):
            raise Refused(400, "Invalid format '%s' supplied." % fmt)

    @staticmethod
    def _stored(ptype, body, readonly=False):
        stored = {'name': body['name'], 'type': ptype, 'description': body.get('description') or '',
                  'readOnly': readonly}
        stored.update(_properties(ptype, body))
        return stored

    @route('GET', '/v1/security/privileges')
    def list_privileges(self, call):
        self._require_admin(call)
        from tests.emulators.nexus import STATIC_PRIVILEGES
        names = set(STATIC_PRIVILEGES) | set(BUILTIN) | set(self.privileges)
        return 200, [self._find_privilege(n) for n in sorted(names)]

    @route('GET', '/v1/security/privileges/{privilegeName}')
    @_messages
    def get_privilege(self, call):
        self._require_admin(call)
        found = self._find_privilege(call.params['privilegeName'])
        if found is None:
            raise Refused(404, "Privilege '%s' not found." % call.params['privilegeName'])
        return 200, found

    @route('DELETE', '/v1/security/privileges/{privilegeName}', extra_statuses=(204,))
    @_messages
    def delete_privilege(self, call):
        self._require_admin(call)
        name = call.params['privilegeName']
        if name not in self.privileges:
            if self._derived_privilege(name) is not None:
                raise Refused(400, "Privilege '%s' is internal and cannot be modified or deleted." % name)
            raise Refused(404, "Privilege '%s' not found." % name)
        del self.privileges[name]
        for role in self.roles.values():  # SecurityConfigurationManagerImpl.cleanRemovedPrivilege
            if name in role['privileges']:
                role['privileges'].remove(name)
        return 204, None


def _properties(ptype, body):
    return dict((key, list(body[key]) if key == 'actions' else body[key]) for key in PROPERTIES[ptype])


def _privilege_routes(cls):
    """POST /<type> and PUT /<type>/{privilegeName} for every type, as the per-type API resources declare them."""
    for ptype in PRIVILEGE_TYPES:
        def create(self, call, ptype=ptype):
            self._require_admin(call)
            body = call.body
            if body['name'] in self.privileges or self._derived_privilege(body['name']) is not None:
                raise Refused(400, "Privilege '%s' already exists, use a unique name." % body['name'])
            self._check_privilege(ptype, body)
            self.privileges[body['name']] = self._stored(ptype, body)
            return 201, None

        def update(self, call, ptype=ptype):
            self._require_admin(call)
            name, body = call.params['privilegeName'], call.body
            if body['name'] != name:
                raise Refused(409, "The privilege name '%s' does not match the name used in the path '%s'."
                              % (body['name'], name))
            self._check_privilege(ptype, body)
            stored = self.privileges.get(name)
            if stored is None:
                if self._derived_privilege(name) is not None:
                    raise Refused(400, "Privilege '%s' is internal and cannot be modified or deleted." % name)
                raise Refused(404, "Privilege '%s' not found." % name)
            # doUpdate: description and properties replaced, the stored TYPE kept
            kept = {'name': name, 'type': stored['type'], 'readOnly': False,
                    'description': body.get('description') or ''}
            kept.update(_properties(ptype, body))
            self.privileges[name] = kept
            return 204, None

        key = ptype.replace('-', '_')
        create.__name__, update.__name__ = 'create_privilege_' + key, 'update_privilege_' + key
        setattr(cls, create.__name__, route('POST', '/v1/security/privileges/' + ptype,
                                            extra_statuses=(400,))(_messages(create)))
        setattr(cls, update.__name__, route('PUT', '/v1/security/privileges/%s/{privilegeName}' % ptype,
                                            extra_statuses=(400, 404, 409))(_messages(update)))
    return cls


_privilege_routes(_Privileges)


class _SelectorsAndLdap:
    """Content selectors, LDAP connections and the LDAP role source (part of NexusSecurityMixin)."""

    # --- content selectors -------------------------------------------------------------------------------------
    def _selector(self, name):
        stored = self.content_selectors.get(name)
        if stored is None:
            raise Refused(404, 'No selector found for %s' % name)
        return stored

    def _check_expression(self, expression):
        error = csel_error(expression)
        if error:
            raise HttpError(400, error, code='expression')

    @route('GET', '/v1/security/content-selectors')
    def list_content_selectors(self, call):
        self._require_admin(call)
        return 200, [copy.deepcopy(s) for _, s in sorted(self.content_selectors.items())]

    @route('POST', '/v1/security/content-selectors')
    def create_content_selector(self, call):
        self._require_admin(call)
        body = call.body
        self._check_expression(body['expression'])
        if body['name'] in self.content_selectors:
            raise HttpError(400, 'A selector with the same name already exists. Name must be unique.', code='name')
        self.content_selectors[body['name']] = {'name': body['name'], 'type': 'csel',
                                                'description': body.get('description') or '',
                                                'expression': body['expression']}
        return 204, None

    @route('GET', '/v1/security/content-selectors/{name}', extra_statuses=(404,))
    @_messages
    def get_content_selector(self, call):
        self._require_admin(call)
        return 200, copy.deepcopy(self._selector(call.params['name']))

    @route('PUT', '/v1/security/content-selectors/{name}', extra_statuses=(404,))
    @_messages
    def update_content_selector(self, call):
        self._require_admin(call)
        stored = self._selector(call.params['name'])
        self._check_expression(call.body['expression'])
        stored.update(description=call.body.get('description') or '', expression=call.body['expression'])
        return 204, None

    @route('DELETE', '/v1/security/content-selectors/{name}', extra_statuses=(404, 500))
    @_messages
    def delete_content_selector(self, call):
        self._require_admin(call)
        stored = self._selector(call.params['name'])
        if any(p['type'] == 'repository-content-selector' and p['contentSelector'] == stored['name']
               for p in self.privileges.values()):
            return 500, ('ERROR: (ID %s) java.lang.IllegalStateException: Content selector %s is in use and cannot be '
                         'deleted' % (uuid.uuid4(), stored['name']))
        del self.content_selectors[stored['name']]
        return 204, None

    # --- LDAP -----------------------------------------------------------------------------------------------
    def _check_ldap(self, body, existing=None):
        binds = body['authScheme'] != 'none'
        if binds and not body.get('authUsername'):
            raise HttpError(400, 'authUsername is required when authScheme is not none', code='authUsername')
        if binds and not body.get('authPassword'):
            raise HttpError(400, 'authPassword is required when authScheme is not none', code='authPassword')
        if body['authScheme'] in ('CRAM-MD5', 'DIGEST-MD5') and not body.get('authRealm'):
            raise HttpError(400, 'authRealm is required for CRAM-MD5 and DIGEST-MD5', code='authRealm')
        if body.get('ldapGroupsAsRoles'):
            group_type = body.get('groupType')
            if not group_type:
                raise HttpError(400, 'groupType is required when ldapGroupsAsRoles is true', code='groupType')
            for field in LDAP_REQUIRED_BY_GROUP[group_type]:
                if not body.get(field):
                    raise HttpError(400, '%s is required for %s groups' % (field, group_type.lower()), code=field)

    def _ldap(self, name):
        stored = self.ldap_servers.get(name)
        if stored is None:
            raise HttpError(404, 'LDAP server %s not found' % name)
        return stored

    @staticmethod
    def _ldap_public(stored):
        return dict((k, v) for k, v in stored.items() if k != 'authPassword')

    @route('GET', '/v1/security/ldap')
    def list_ldap_servers(self, call):
        self._require_admin(call)
        servers = sorted(self.ldap_servers.values(), key=lambda s: s['order'])
        return 200, [self._ldap_public(s) for s in servers]

    @route('POST', '/v1/security/ldap', extra_statuses=(400,))
    def create_ldap_server(self, call):
        self._require_admin(call)
        body = dict(call.body)
        if body['name'] in self.ldap_servers:
            raise HttpError(400, 'An LDAP server named %s already exists' % body['name'], code='name')
        self._check_ldap(body)
        body.update(id=uuid.uuid4().hex, order=len(self.ldap_servers))
        self.ldap_servers[body['name']] = body
        return 201, None

    @route('GET', '/v1/security/ldap/{name}')
    def get_ldap_server(self, call):
        self._require_admin(call)
        return 200, self._ldap_public(self._ldap(call.params['name']))

    @route('PUT', '/v1/security/ldap/{name}', extra_statuses=(400,))
    def update_ldap_server(self, call):
        self._require_admin(call)
        stored = self._ldap(call.params['name'])
        body = dict(call.body)
        if body.get('id') != stored['id']:
            raise HttpError(400, 'The id in the body does not match the LDAP server %s' % stored['name'], code='id')
        if body['name'] != stored['name']:
            raise HttpError(400, 'An LDAP server cannot be renamed here', code='name')
        self._check_ldap(body, stored)
        body['order'] = stored['order']
        self.ldap_servers[stored['name']] = body
        return 204, None

    @route('DELETE', '/v1/security/ldap/{name}')
    def delete_ldap_server(self, call):
        self._require_admin(call)
        stored = self._ldap(call.params['name'])
        del self.ldap_servers[stored['name']]
        for other in self.ldap_servers.values():
            if other['order'] > stored['order']:
                other['order'] -= 1
        return 204, None

    def ldap_secret(self, name):
        """Test helper: the bind password Nexus stored for a connection."""
        return (self.ldap_servers.get(name) or {}).get('authPassword')

    # --- the LDAP role source ---------------------------------------------------------------------------------
    @_messages
    def external_role(self, source, role_id):
        """GET /v1/security/roles/{id}?source=<not default>: the LDAP group of that name, as the LDAP authorization
        manager answers it, or what RoleApiResource answers otherwise (an answer tuple)."""
        if source != 'LDAP':
            raise Refused(400, "Source '%s' does not exist." % source)
        if not self.ldap_servers or role_id not in self.ldap_groups:
            raise Refused(404, "Role '%s' not found." % role_id)
        return 200, {'id': role_id, 'source': 'LDAP', 'name': role_id, 'description': role_id, 'readOnly': True,
                'privileges': [], 'roles': []}


class NexusSecurityMixin(_Privileges, _SelectorsAndLdap):
    """Routes and state of the security objects: NexusEmulator inherits it (routes are collected over the MRO)
    and calls reset_security() from reset_state()."""

    def reset_security(self):
        self.privileges = {}       # name -> stored privilege in the API's shape
        self.content_selectors = {}
        self.ldap_servers = {}     # name -> stored connection (authPassword kept here, never returned)
        self.ldap_groups = set()   # the directory's groups (a test sets them)
        self.scripts = set()
