# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor user groups (harbor_user_group): LDAP, HTTP and OIDC groups, through the REST API v2.0.

Facts the code relies on: Harbor v2.15.2 (handler/usergroup.go, controller/usergroup, pkg/usergroup manager and dao):
- POST /usergroups {group_name, group_type, ldap_group_dn}: a group is unique by name and type (409
  "duplicate user group ..."), and no group may take the name of an HTTP group (dao Add, 409); an LDAP
  group's DN must be found in the LDAP server (400) and is stored trimmed and lower-cased.
- PUT /usergroups/{id} only renames: the type and DN of a group cannot change.
- GET /usergroups lists only LDAP groups in ldap_auth mode and only HTTP groups in http_auth mode.
- DELETE /usergroups/{id} also removes the group from every project.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    GROUP_TYPE_NAMES,
    GROUP_TYPES,
    HarborResource,
    list_all,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


def normalize_dn(value):
    return (value or '').strip().lower()


def normalize_group(raw):
    return {
        'id': raw.get('id'),
        'name': raw.get('group_name'),
        'group_type': GROUP_TYPE_NAMES.get(raw.get('group_type'), raw.get('group_type')),
        'ldap_group_dn': raw.get('ldap_group_dn') or None,
    }


class UserGroup(HarborResource):
    result_key = 'user_group'
    kind = 'Harbor user group'
    strict_strings = ('name', 'ldap_group_dn')
    module_options = dict(  # generated from plugins/modules/harbor_user_group.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        group_type=dict(type='str', default='oidc', choices=['ldap', 'http', 'oidc']),
        ldap_group_dn=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def describe(self):
        return "%s '%s' (%s)" % (self.kind, self.params.get('name'), self.params.get('group_type'))

    def validate(self):
        p = self.params
        if not p['name'] or not p['name'].strip():
            raise ModuleFailure('name must be a non-empty group name')
        if len(p['name']) > 255:
            raise ModuleFailure('name must be at most 255 characters, got %d' % len(p['name']))
        dn = p.get('ldap_group_dn')
        if p['group_type'] == 'ldap':
            if p['state'] == 'present' and not normalize_dn(dn):
                raise ModuleFailure('ldap_group_dn is required for an LDAP group (group_type=ldap), e.g. '
                                    'cn=developers,ou=groups,dc=example,dc=com')
        elif dn is not None:
            raise ModuleFailure('ldap_group_dn is only used with group_type=ldap, not with group_type=%s'
                                % p['group_type'])

    def read(self):
        wanted = GROUP_TYPES[self.params['group_type']]
        for raw in list_all(self.client, '/usergroups', query={'group_name': self.params['name']}):
            if raw.get('group_name') == self.params['name'] and raw.get('group_type') == wanted:
                return normalize_group(raw)
        return None

    def validate_against(self, current):
        dn = self.params.get('ldap_group_dn')
        if current is not None and dn is not None and normalize_dn(dn) != normalize_dn(current['ldap_group_dn']):
            raise ModuleFailure("ldap_group_dn: %s has the DN '%s'; Harbor cannot change a group's DN (it only "
                                "renames groups): remove the group first with state=absent"
                                % (self.describe(), current['ldap_group_dn']))

    def desired(self, current):
        if current:
            return dict(current)
        dn = self.params.get('ldap_group_dn')
        return {'id': None, 'name': self.params['name'], 'group_type': self.params['group_type'],
                'ldap_group_dn': normalize_dn(dn) if dn else None}

    def create(self, desired):
        body = {'group_name': desired['name'], 'group_type': GROUP_TYPES[desired['group_type']]}
        if desired['ldap_group_dn']:
            body['ldap_group_dn'] = desired['ldap_group_dn']
        self.client.post('/usergroups', body)

    def update(self, current, desired):  # pragma: no cover - name and type identify a group; nothing else changes
        raise ModuleFailure('%s cannot be changed in place' % self.describe())

    def delete(self, current):
        self.client.delete('/usergroups/%s' % current['id'])
