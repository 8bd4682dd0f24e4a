# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor local users (database auth mode): harbor_user and harbor_user_info, through the REST API v2.0.

The service base, client and helpers are _harbor.py's; user groups are in _harbor_user_group.py.

Facts the code relies on (Harbor v2.15.2, src/server/v2.0/handler/user.go and src/pkg/user/dao/dao.go):
- POST /users {username, email, realname, comment, password} -> 201; only in db_auth mode (403 otherwise).
  The password is checked first (requireValidSecret: 8 to 128 characters with an upper-case letter, a
  lower-case letter and a digit), then the profile (validateUserProfile: email required and well formed,
  realname 1-255 characters without , ~ # $ %, comment at most 30 characters); a duplicate username or
  email is 409 "user X or email Y already exists".
- GET never returns a password, so a password can only be compared by signing in with it: a wrong one
  falls back to the anonymous context, and GET /users/current then answers 401.
- PUT /users/{id} {email, realname, comment} replaces all three (validateUserProfile again: send them all).
- PUT /users/{id}/sysadmin {sysadmin_flag} sets the admin flag.
- PUT /users/{id}/password {new_password}: an admin sets another user's password without the old one; a
  new password equal to the CALLER's own is refused (400 "New password is identical to old password").
- GET /users leaves out the built-in admin (user id 1), so this module cannot manage it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, as_bool, str_or_empty)
from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    SECRET_RULE_TEXT,
    HarborOperation,
    HarborResource,
    list_all,
)
from ansible_collections.maestro.platform.plugins.module_utils._http import signs_in
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info, ModuleFailure

# handler/user.go validateUserProfile (the email pattern is Harbor's own)
EMAIL_RULE = re.compile(r'^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@'
                        r'((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$')
REALNAME_FORBIDDEN = ',~#$%'
USERNAME_FORBIDDEN = re.compile(r'[,~#$%"\'\s]')


def check_password(value, field='password'):
    """Harbor's requireValidSecret (handler/user.go, the rule robot secrets follow too), before any request."""
    if not (8 <= len(value) <= 128 and re.search('[a-z]', value) and re.search('[A-Z]', value)
            and re.search('[0-9]', value)):
        raise ModuleFailure('%s does not meet Harbor\'s password rule: %s' % (field, SECRET_RULE_TEXT))


def find_user(client, username):
    """A local user by exact name (GET /users?q=username=<name> is an exact match), or None."""
    for raw in list_all(client, '/users', query={'q': 'username=%s' % username}):
        if raw.get('username') == username:
            return raw
    return None


class User(Declarative, HarborResource):
    result_key = 'user'
    kind = 'Harbor user'
    strict_strings = ('name', 'email', 'realname', 'comment')
    set_password = False
    option_code = {'user_password': dict(no_log=True), 'update_password': dict(no_log=False)}
    module_options = dict(  # generated from plugins/modules/harbor_user.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        email=dict(type='str'),
        realname=dict(type='str'),
        comment=dict(type='str'),
        admin=dict(type='bool'),
        user_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = '/users'
    fields = (
        Field('id', wire='user_id', server=True),
        Field('name', wire='username'),
        Field('email', normalize=str_or_empty, default=''),
        Field('realname', normalize=str_or_empty, default=''),
        Field('comment', normalize=str_or_empty, default=''),
        Field('admin', wire='sysadmin_flag', normalize=as_bool, default=False),
    )

    def validate(self):
        p = self.params
        name = p['name']
        if not name or len(name) > 255 or USERNAME_FORBIDDEN.search(name):
            raise ModuleFailure('name %r is not a valid Harbor user name: 1 to 255 characters, without '
                                'spaces or any of , ~ # $ %% " \'' % (name,))
        if name == 'admin':
            raise ModuleFailure("name: the built-in 'admin' cannot be managed with this module (Harbor does "
                                "not list it); change its password in the Harbor installer or UI")
        if p.get('email') is not None and not EMAIL_RULE.match(p['email']):
            raise ModuleFailure('email %r is not an e-mail address Harbor accepts, e.g. alice@example.com'
                                % (p['email'],))
        if p.get('realname') is not None:
            if not 1 <= len(p['realname']) <= 255:
                raise ModuleFailure('realname must be 1 to 255 characters, got %d' % len(p['realname']))
            if any(c in p['realname'] for c in REALNAME_FORBIDDEN):
                raise ModuleFailure('realname %r must not contain any of , ~ # $ %%' % (p['realname'],))
        if p.get('comment') is not None and len(p['comment']) > 30:
            raise ModuleFailure('comment must be at most 30 characters (Harbor\'s limit), got %d'
                                % len(p['comment']))
        if p.get('user_password') is not None:
            check_password(p['user_password'], 'user_password')

    def list_objects(self):
        return list_all(self.client, self.collection, query={'q': 'username=%s' % self.params['name']})

    def validate_against(self, current):
        if current is None:
            missing = [f for f in ('email', 'realname', 'user_password') if not self.params.get(f)]
            if missing:
                raise ModuleFailure('%s %s required to create %s' % (
                    ', '.join(missing), 'is' if len(missing) == 1 else 'are', self.describe()))

    def _password_works(self):
        """Whether user_password already signs the user in: Harbor treats wrong credentials as anonymous,
        and GET /users/current answers an anonymous caller 401."""
        return signs_in(self.client, '/users/current', self.params['name'], self.params['user_password'])

    def desired(self, current):
        p = self.params
        base = super(User, self).desired(current)
        self.set_password = False
        if current and p.get('user_password') and p['update_password'] == 'always' and not self._password_works():
            base['_password_updated'] = True  # never the password itself: only that it changes
            self.set_password = True
        return base

    def _profile(self, desired):
        return {'email': desired['email'], 'realname': desired['realname'], 'comment': desired['comment']}

    def create(self, desired):
        body = self._profile(desired)
        body.update(username=self.params['name'], password=self.params['user_password'])
        self.client.post('/users', body)
        if desired['admin']:
            raw = find_user(self.client, self.params['name'])
            self.client.put('/users/%s/sysadmin' % raw['user_id'], {'sysadmin_flag': True})

    def update(self, current, desired):
        if self._profile(desired) != self._profile(current):
            self.client.put('/users/%s' % current['id'], self._profile(desired))
        if desired['admin'] != current['admin']:
            self.client.put('/users/%s/sysadmin' % current['id'], {'sysadmin_flag': desired['admin']})
        if self.set_password:
            self.client.put('/users/%s/password' % current['id'], {'new_password': self.params['user_password']})


class UserInfo(HarborOperation, Info):
    module_options = dict(  # generated from plugins/modules/harbor_user_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        name = self.params.get('name')
        if name:
            raw = find_user(self.client, name)
            raws = [raw] if raw else []
        else:
            raws = list_all(self.client, '/users')
        return {'changed': False, 'users': [User(self.params, self.client).view(raw) for raw in raws]}
