# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""The nexus_user logic: local (default source) Nexus users.

Facts the code relies on (see _nexus.py): POST -> 200, PUT -> 204, change-password is a PUT with a text/plain
body; GET ?userId= is a prefix search.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote, signs_in
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation, _sorted_unique
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name


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
    option_code = {'user_password': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/nexus_user.py DOCUMENTATION, do not edit
        user_id=dict(type='str', required=True, aliases=['name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        first_name=dict(type='str'),
        last_name=dict(type='str'),
        email=dict(type='str'),
        user_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        status=dict(type='str', choices=['active', 'locked', 'disabled', 'changepassword']),
        roles=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

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
