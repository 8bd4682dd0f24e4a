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

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field
from ansible_collections.maestro.platform.plugins.module_utils._http import signs_in
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation, _sorted_unique
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, require_name


USER_STATUSES = ('active', 'locked', 'disabled', 'changepassword')


class User(NexusOperation, Declarative):
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

    collection = '/v1/security/users'
    item_key = 'user_id'
    identity = ('user_id',)
    listed = True  # the same search (ApiUser) without the userId prefix: every local user
    fields = (
        Field('user_id', wire='userId'),
        Field('first_name', wire='firstName'),
        Field('last_name', wire='lastName'),
        Field('email', wire='emailAddress'),
        Field('status', default='active'),
        Field('source', server=True, default='default'),
        Field('roles', normalize=_sorted_unique, default=[]),
        Field('external_roles', wire='externalRoles', server=True, normalize=_sorted_unique, default=[]),
        Field('read_only', wire='readOnly', server=True, default=False),
        Field('password', option='user_password', secret=True),
    )

    def describe(self):
        return "Nexus user '%s'" % self.params.get('user_id')

    def list_objects(self):
        # ?userId= is a prefix search (read() keeps the exact match) of the default (local) user source.
        return self.client.get(self.collection, query={'userId': self.params['user_id'], 'source': 'default'})

    def batch_objects(self):
        return self.client.get(self.collection, query={'source': 'default'})

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
        view = super(User, self).desired(current)
        p = self.params
        self.set_password = False
        if current and p.get('user_password') and p['update_password'] == 'always':
            if current['status'] != 'active' or not self._password_works():
                view['_password_updated'] = True
                self.set_password = True
        return view

    def update(self, current, desired):
        path = self.item_path(current['user_id'])
        if self.public(desired) != current:
            body = self.body(desired)
            body.update(source=current['source'], readOnly=bool(current.get('read_only')),
                        externalRoles=list(current.get('external_roles') or []))
            self.client.put(path, body)
        if self.set_password:
            self.client.request('PUT', path + '/change-password', data=self.params['user_password'],
                                content_type='text/plain')
