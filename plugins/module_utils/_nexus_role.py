# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""The nexus_role logic: Nexus roles (privileges and contained roles), and LDAP group mappings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NexusOperation, _get_or_none, _sorted_unique)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name


def role_view(raw):
    return {'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description') or '',
            'source': raw.get('source'), 'read_only': raw.get('readOnly'),
            'privileges': _sorted_unique(raw.get('privileges')), 'roles': _sorted_unique(raw.get('roles'))}


class Role(NexusOperation, Resource):
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
