# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.nexus_ldap. Not a public API; it may change at any time.
"""Nexus LDAP connections through /v1/security/ldap.

Nexus's LDAP plugin is not in sonatype/nexus-public, so what this code relies on comes from the API description
Nexus serves (../shared/specs/nexus-openapi.yaml: CreateLdapServerXo, ReadLdapServerXo, UpdateLdapServerXo and
their field descriptions, which are Nexus's own annotations) and from the public UI code that calls the same
endpoints (nexus-public plugins/nexus-coreui-plugin .../pages/admin/LdapServers):
- POST /v1/security/ldap -> 201; GET/PUT/DELETE /v1/security/ldap/{name} (the name, URL-encoded, as the UI's
  LdapServersHelper.singleLdapServersUrl builds it); GET returns an `id` and an `order`, and NO authPassword
  (ReadLdapServerXo has none; the UI's LdapServersDetailsMachine notes the password "is not part of the
  payload"). UpdateLdapServerXo carries the `id` read back.
- A PUT replaces the connection: the UI asks the operator for the bind password before EVERY save of an
  existing connection (LdapServersUserAndGroupMachine: SAVE when editing -> askingPassword). This module
  therefore sends auth_password with every update and refuses an update without it when the scheme binds.
- Required by the descriptions: authUsername and authPassword when authScheme is not none, authRealm for
  CRAM-MD5/DIGEST-MD5, groupType when ldapGroupsAsRoles, groupObjectClass/groupIdAttribute/
  groupMemberAttribute/groupMemberFormat for static groups, userMemberOfAttribute for dynamic groups;
  connectionTimeoutSeconds 1-3600, connectionRetryDelaySeconds and maxIncidentsCount >= 0.
Users sign in through LDAP only while the LdapRealm is active (maestro.platform.nexus_security realms).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation, _get_or_none
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name

SCHEMES = {'none': 'none', 'simple': 'simple', 'cram-md5': 'CRAM-MD5', 'digest-md5': 'DIGEST-MD5'}
# option -> API field, for the plain string/number/boolean fields (compared as they are)
FIELDS = (
    ('host', 'host'), ('port', 'port'), ('search_base', 'searchBase'), ('auth_username', 'authUsername'),
    ('auth_realm', 'authRealm'), ('connection_timeout', 'connectionTimeoutSeconds'),
    ('connection_retry_delay', 'connectionRetryDelaySeconds'), ('max_incidents_count', 'maxIncidentsCount'),
    ('use_trust_store', 'useTrustStore'), ('user_base_dn', 'userBaseDn'), ('user_subtree', 'userSubtree'),
    ('user_object_class', 'userObjectClass'), ('user_ldap_filter', 'userLdapFilter'),
    ('user_id_attribute', 'userIdAttribute'), ('user_real_name_attribute', 'userRealNameAttribute'),
    ('user_email_address_attribute', 'userEmailAddressAttribute'),
    ('user_password_attribute', 'userPasswordAttribute'), ('ldap_groups_as_roles', 'ldapGroupsAsRoles'),
    ('group_base_dn', 'groupBaseDn'), ('group_subtree', 'groupSubtree'), ('group_object_class', 'groupObjectClass'),
    ('group_id_attribute', 'groupIdAttribute'), ('group_member_attribute', 'groupMemberAttribute'),
    ('group_member_format', 'groupMemberFormat'), ('user_member_of_attribute', 'userMemberOfAttribute'),
)
STRING_FIELDS = tuple(opt for opt, _api in FIELDS if opt not in (
    'port', 'connection_timeout', 'connection_retry_delay', 'max_incidents_count', 'use_trust_store',
    'user_subtree', 'ldap_groups_as_roles', 'group_subtree'))
# a new connection: Nexus's own defaults (the UI's generic LDAP template) for what the task leaves unset
NEW = dict(connection_timeout=30, connection_retry_delay=300, max_incidents_count=3, use_trust_store=False,
           user_base_dn='', user_subtree=False, user_object_class='inetOrgPerson', user_ldap_filter='',
           user_id_attribute='uid', user_real_name_attribute='cn', user_email_address_attribute='mail',
           user_password_attribute='', ldap_groups_as_roles=False, group_base_dn='', group_subtree=False,
           group_object_class='', group_id_attribute='', group_member_attribute='', group_member_format='',
           user_member_of_attribute='', auth_username='', auth_realm='', group_type=None)
GROUP_FIELDS = {'static': ('group_object_class', 'group_id_attribute', 'group_member_attribute',
                           'group_member_format'),
                'dynamic': ('user_member_of_attribute',)}
DEFAULT_PORTS = {'ldap': 389, 'ldaps': 636}


def ldap_view(raw):
    view = {'name': raw.get('name'), 'id': raw.get('id'), 'order': raw.get('order'),
            'protocol': (raw.get('protocol') or '').lower(), 'auth_scheme': (raw.get('authScheme') or '').lower(),
            'group_type': (raw.get('groupType') or '').lower() or None}
    for option, api in FIELDS:
        value = raw.get(api)
        view[option] = ('' if value is None else value) if option in STRING_FIELDS else value
    return view


def _required_missing(view):
    """The fields the API description requires for this combination of settings that are still empty."""
    needed = []
    if view['auth_scheme'] != 'none':
        needed.append('auth_username')
    if view['auth_scheme'] in ('cram-md5', 'digest-md5'):
        needed.append('auth_realm')
    if view['ldap_groups_as_roles']:
        if not view['group_type']:
            return needed + ['group_type']
        needed.extend(GROUP_FIELDS[view['group_type']])
    return [field for field in needed if not view.get(field)]


class Ldap(NexusOperation, Resource):
    result_key = 'ldap'
    kind = 'Nexus LDAP connection'
    # user_password_attribute: an attribute's name, not a secret
    option_code = {'auth_password': dict(no_log=True), 'user_password_attribute': dict(no_log=False)}
    module_options = dict(  # generated from plugins/modules/nexus_ldap.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        protocol=dict(type='str', choices=['ldap', 'ldaps']),
        host=dict(type='str'),
        port=dict(type='int'),
        search_base=dict(type='str'),
        auth_scheme=dict(type='str', choices=['cram-md5', 'digest-md5', 'none', 'simple']),
        auth_username=dict(type='str'),
        auth_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        auth_realm=dict(type='str'),
        connection_timeout=dict(type='int'),
        connection_retry_delay=dict(type='int'),
        max_incidents_count=dict(type='int'),
        use_trust_store=dict(type='bool'),
        user_base_dn=dict(type='str'),
        user_subtree=dict(type='bool'),
        user_object_class=dict(type='str'),
        user_ldap_filter=dict(type='str'),
        user_id_attribute=dict(type='str'),
        user_real_name_attribute=dict(type='str'),
        user_email_address_attribute=dict(type='str'),
        user_password_attribute=dict(type='str', no_log=False),
        ldap_groups_as_roles=dict(type='bool'),
        group_type=dict(type='str', choices=['static', 'dynamic']),
        group_base_dn=dict(type='str'),
        group_subtree=dict(type='bool'),
        group_object_class=dict(type='str'),
        group_id_attribute=dict(type='str'),
        group_member_attribute=dict(type='str'),
        group_member_format=dict(type='str'),
        user_member_of_attribute=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def validate(self):
        require_name(self.params, 'name')
        p = self.params
        if p.get('port') is not None and not 0 < p['port'] < 65536:
            raise ModuleFailure('port must be between 1 and 65535, got %s' % p['port'])
        if p.get('connection_timeout') is not None and not 1 <= p['connection_timeout'] <= 3600:
            raise ModuleFailure('connection_timeout must be 1 to 3600 seconds, got %s' % p['connection_timeout'])
        for field in ('connection_retry_delay', 'max_incidents_count'):
            if p.get(field) is not None and p[field] < 0:
                raise ModuleFailure('%s must not be negative, got %s' % (field, p[field]))
        for field in ('host', 'search_base', 'user_object_class', 'user_id_attribute', 'user_real_name_attribute',
                      'user_email_address_attribute'):
            if p.get(field) is not None and not p[field].strip():
                raise ModuleFailure('%s must not be empty (Nexus requires it)' % field)
        if p.get('auth_password') == '':
            raise ModuleFailure('auth_password must not be empty')

    def read(self):
        raw = _get_or_none(self.client, '/v1/security/ldap/' + path_quote(self.params['name']))
        return ldap_view(raw) if raw is not None else None

    def validate_against(self, current):
        p = self.params
        if current is None:
            missing = [f for f in ('protocol', 'host', 'search_base', 'auth_scheme') if not p.get(f)]
            if missing:
                raise ModuleFailure('%s required to create %s' % (
                    ', '.join(missing) + (' is' if len(missing) == 1 else ' are'), self.describe()))
        desired = self.desired(current)
        missing = _required_missing(desired)
        if missing:
            why = 'auth_scheme %s' % desired['auth_scheme']
            if desired['ldap_groups_as_roles']:
                why += ', ldap_groups_as_roles and group_type %s' % (desired['group_type'] or '(unset)')
            raise ModuleFailure('%s: %s must be set (Nexus requires %s with %s)' % (
                self.describe(), ', '.join(missing), 'it' if len(missing) == 1 else 'them', why))
        binds = desired['auth_scheme'] != 'none'
        if binds and not p.get('auth_password') and (current is None or self._differs(desired, current)):
            raise ModuleFailure(
                'auth_password is required to %s %s with auth_scheme %s: Nexus never returns the bind password and '
                'an update replaces the whole connection, so every write sends it'
                % ('create' if current is None else 'update', self.describe(), desired['auth_scheme']))

    def desired(self, current):
        p = self.params
        if current:
            view = copy.deepcopy(current)
        else:
            view = dict(NEW, name=p['name'], id=None, order=None, protocol=p.get('protocol'),
                        auth_scheme=p.get('auth_scheme'))
            view['port'] = DEFAULT_PORTS.get(p.get('protocol'))
        for option in ('protocol', 'auth_scheme', 'group_type') + tuple(opt for opt, _api in FIELDS):
            if p.get(option) is not None:
                view[option] = p[option]
        if current and p.get('auth_password') and p['update_password'] == 'always':
            view['auth_password_updated'] = True
        return view

    def _body(self, view):
        body = {'name': view['name'], 'protocol': view['protocol'].upper(),
                'authScheme': SCHEMES[view['auth_scheme']]}
        for option, api in FIELDS:
            if view.get(option) not in (None, ''):
                body[api] = view[option]
        if view.get('group_type'):
            body['groupType'] = view['group_type'].upper()
        if self.params.get('auth_password') and view['auth_scheme'] != 'none':
            body['authPassword'] = self.params['auth_password']
        return body

    def create(self, desired):
        self.client.post('/v1/security/ldap', self._body(desired))

    def update(self, current, desired):
        body = self._body(desired)
        body['id'] = current['id']
        self.client.put('/v1/security/ldap/' + path_quote(current['name']), body)

    def delete(self, current):
        self.client.delete('/v1/security/ldap/' + path_quote(current['name']))

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'auth_password_updated')
