# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""A member of a Harbor project (harbor_project_member): a user or a group, with a role.

The member shape (normalize_member) is _harbor.py's, shared with harbor_project_member_info.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    GROUP_TYPES,
    ROLE_NAMES,
    HarborOperation,
    HarborResource,
    check_name,
    list_all,
    normalize_member,
    project_path,
)
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, ModuleFailure

ROLES = {'projectadmin': 1, 'developer': 2, 'guest': 3, 'maintainer': 4, 'limitedguest': 5}


def role_id(value, field='role'):
    key = re.sub(r'[_\-\s]', '', str(value)).lower()
    if key not in ROLES:
        raise ModuleFailure('%s %r is not a Harbor project role: use one of projectAdmin, maintainer, '
                            'developer, guest, limitedGuest' % (field, value))
    return ROLES[key]


class ProjectMember(HarborResource):
    result_key = 'member'
    kind = 'Harbor project member'
    module_options = dict(  # generated from plugins/modules/harbor_project_member.py DOCUMENTATION, do not edit
        project=dict(type='str', required=True),
        user=dict(type='str'),
        group=dict(type='str'),
        group_type=dict(type='str', default='oidc', choices=['ldap', 'http', 'oidc']),
        ldap_group_dn=dict(type='str'),
        role=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs, mutually_exclusive=[('user', 'group')],
                         required_one_of=[('user', 'group')],
                         required_if=[('state', 'present', ('role',))])

    def describe(self):
        who = ("user '%s'" % self.params['user']) if self.params.get('user') else ("group '%s'" % self.params.get('group'))
        return "%s of Harbor project '%s'" % (who, self.params.get('project'))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        entity = self.params.get('user') or self.params.get('group')
        if not entity or not entity.strip():
            raise ModuleFailure('user or group must be a non-empty name')
        self.role_id = role_id(self.params['role']) if self.params.get('role') is not None else None

    def read(self):
        name, entity_type = self.batch_key()
        members = self.list_in_project('/members', query={'entityname': name})
        for raw in members or []:
            if raw.get('entity_name') == name and raw.get('entity_type') == entity_type:
                return self._member(raw)
        return None

    def _member(self, raw):
        return normalize_member(self.params['project'], raw)

    def batch_scope(self):
        return ('members', self.params['project'])

    def batch_key(self):
        return (self.params.get('user') or self.params['group'], 'u' if self.params.get('user') else 'g')

    def read_batch(self):
        members = list_all(self.client, project_path(self.params['project'], '/members'), headers=BY_NAME,
                           limit=READ_AHEAD_LIMIT)
        if members is None:
            return None
        return dict(((raw.get('entity_name'), raw.get('entity_type')), self._member(raw)) for raw in members)

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'project': self.params['project'],
            'entity_name': self.params.get('user') or self.params['group'],
            'entity_type': 'user' if self.params.get('user') else 'group'}
        base['role_id'] = self.role_id
        base['role'] = ROLE_NAMES[self.role_id]
        return base

    def create(self, desired):
        body = {'role_id': desired['role_id']}
        if self.params.get('user'):
            body['member_user'] = {'username': self.params['user']}
        else:
            group = {'group_name': self.params['group'], 'group_type': GROUP_TYPES[self.params['group_type']]}
            if self.params.get('ldap_group_dn'):
                group['ldap_group_dn'] = self.params['ldap_group_dn']
            body['member_group'] = group
        try:
            self.client.post(project_path(self.params['project'], '/members'), body, headers=BY_NAME)
        except ApiError as exc:
            # Harbor onboards the member (auth.SearchAndOnBoardUser / SearchAndOnBoardGroup): 404 when the
            # user or group is unknown to it. Name the member and the way out, not just Harbor's wording.
            if exc.status != 404:
                raise
            if self.params.get('user'):
                hint = ("user: there is no Harbor user named '%s'; create it first with maestro.platform.harbor_user "
                        "(LDAP and OIDC users exist once they have signed in)" % self.params['user'])
            else:
                hint = ("group: Harbor does not know the %s group '%s'; create it first with "
                        "maestro.platform.harbor_user_group" % (self.params['group_type'], self.params['group']))
            raise ModuleFailure('Failed to add %s: %s (%s)' % (self.describe(), hint, exc), status=exc.status,
                                request_id=exc.request_id)

    def update(self, current, desired):
        self.client.put(project_path(self.params['project'], '/members/%s' % current['id']),
                        {'role_id': desired['role_id']}, headers=BY_NAME)

    def delete(self, current):
        self.client.delete(project_path(self.params['project'], '/members/%s' % current['id']), headers=BY_NAME)
