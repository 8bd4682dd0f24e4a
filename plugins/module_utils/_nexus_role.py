# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""The nexus_role logic: Nexus roles (privileges and contained roles), and LDAP group mappings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, str_or_empty)
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation, _sorted_unique
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, require_name


class Role(NexusOperation, Declarative):
    result_key = 'role'
    kind = 'Nexus role'
    module_options = dict(  # generated from plugins/modules/nexus_role.py DOCUMENTATION, do not edit
        id=dict(type='str', required=True),
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        privileges=dict(type='list', elements='str'),
        roles=dict(type='list', elements='str'),
        source=dict(type='str', default='default', choices=['default', 'LDAP']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = '/v1/security/roles'
    read_by = 'item'
    identity = ('id',)
    listed = True  # RoleApiResource.getRoles(source): RoleXOResponse.fromRole, as getRole reads one
    fields = (
        Field('id'),
        Field('name'),
        Field('description', normalize=str_or_empty, default=''),
        Field('source', server=True, default='default'),
        Field('read_only', wire='readOnly', server=True, default=False),
        Field('privileges', normalize=_sorted_unique, default=[]),
        Field('roles', normalize=_sorted_unique, default=[]),
    )

    def describe(self):
        return "Nexus role '%s'" % self.params.get('id')

    def batch_objects(self):
        return self.client.get(self.collection, query={'source': 'default'})

    def new_object(self):
        obj = super(Role, self).new_object()
        obj['name'] = self.params['id']  # a role created without a name is named after its id
        return obj

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

    def validate_against(self, current):
        if current is None and self.params.get('source') == 'LDAP':
            self._check_external_group()
        if current and current['read_only'] and self._differs(self.desired(current), current):
            raise ModuleFailure('%s is a built-in read-only role and cannot be changed; create your own role that '
                                'contains it' % self.describe())
