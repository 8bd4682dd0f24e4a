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

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, or_none
from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    GROUP_TYPE_NAMES,
    GROUP_TYPES,
    HarborResource,
    list_all,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


def normalize_dn(value):
    return (value or '').strip().lower()


def type_name(value):
    return GROUP_TYPE_NAMES.get(value, value)


class UserGroup(Declarative, HarborResource):
    result_key = 'user_group'
    kind = 'Harbor user group'
    strict_strings = ('name', 'ldap_group_dn')
    module_options = dict(  # generated from plugins/modules/harbor_user_group.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        group_type=dict(type='str', default='oidc', choices=['ldap', 'http', 'oidc']),
        ldap_group_dn=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = '/usergroups'
    identity = ('name', 'group_type')  # a group is unique by name and type
    fields = (
        Field('id', server=True),
        Field('name', wire='group_name'),
        Field('group_type', normalize=type_name, to_wire=GROUP_TYPES.get),
        Field('ldap_group_dn', option=None, normalize=or_none),  # set on create only (new_object)
    )

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

    def list_objects(self):
        return list_all(self.client, self.collection, query={'group_name': self.params['name']})

    def validate_against(self, current):
        dn = self.params.get('ldap_group_dn')
        if current is not None and dn is not None and normalize_dn(dn) != normalize_dn(current['ldap_group_dn']):
            raise ModuleFailure("ldap_group_dn: %s has the DN '%s'; Harbor cannot change a group's DN (it only "
                                "renames groups): remove the group first with state=absent"
                                % (self.describe(), current['ldap_group_dn']))

    def new_object(self):
        dn = self.params.get('ldap_group_dn')
        return dict(super(UserGroup, self).new_object(), ldap_group_dn=normalize_dn(dn) if dn else None)
