# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""Users of MLflow's basic-auth app (mlflow server --app-name basic-auth): mlflow_user.

Facts the code relies on, read from MLflow 3.17.2 (mlflow/server/auth/__init__.py, routes.py,
sqlalchemy_store.py) and checked against a real server in tests/integration/test_mlflow_auth.py:
- Users: GET /api/2.0/mlflow/users/get?username= -> {"user": {"id", "username", "is_admin"}}, an unknown
  user is 404 RESOURCE_DOES_NOT_EXIST; POST users/create {username, password}; PATCH users/update-password
  {username, password} (a user changing their own password must also send current_password);
  PATCH users/update-admin {username, is_admin}; DELETE users/delete {username} (an admin cannot delete
  themself: 400). Passwords shorter than 12 characters are refused (mlflow/utils/validation.py).
  A password is never returned: it is checked by signing in as the user (GET users/current; 401 = wrong).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, signs_in
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import API, MlflowOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
    Resource,
    require_name,
)

USERS = API + '/users'
MIN_PASSWORD_LENGTH = 12  # mlflow/utils/validation.py: _validate_password


def _not_auth_app(exc):
    """A 404 that is not MLflow's own "no such user": the server does not run the basic-auth app."""
    return exc.status == 404 and exc.error_code != 'RESOURCE_DOES_NOT_EXIST'


NOT_AUTH_APP = ("the server at tracking_uri does not serve MLflow's auth API (users and permissions): start "
                "it with 'mlflow server --app-name basic-auth'")


def get_user(client, username):
    try:
        data = client.get(USERS + '/get', query={'username': username})
    except ApiError as exc:
        if _not_auth_app(exc):
            raise ModuleFailure(NOT_AUTH_APP, status=exc.status)
        if exc.status == 404:
            return None
        raise
    raw = data['user']
    return {'id': raw.get('id'), 'username': raw.get('username'), 'is_admin': bool(raw.get('is_admin'))}


def _check_password(params, field='user_password'):
    password = params.get(field)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ModuleFailure('%s must be at least %d characters (MLflow refuses shorter passwords)'
                            % (field, MIN_PASSWORD_LENGTH))


class User(MlflowOperation, Resource):
    result_key = 'user'
    complete_desired = True
    kind = 'MLflow user'
    option_code = {'user_password': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/mlflow_user.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True, aliases=['user']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        user_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        admin=dict(type='bool', aliases=['is_admin']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def _is_self(self):
        return self.params['name'] == self.params.get('username')

    def validate(self):
        require_name(self.params)
        _check_password(self.params)
        if self._is_self() and self.params['state'] == 'absent':
            raise ModuleFailure("name: '%s' is the user this task signs in as (username); MLflow does not let "
                                "a user delete themself. Sign in as another admin to delete it."
                                % self.params['name'])
        if self._is_self() and self.params.get('admin') is False:
            raise ModuleFailure("admin: refusing to take the admin flag from '%s', the user this task signs "
                                "in as (username): it would lock this task out. Sign in as another admin."
                                % self.params['name'])

    def read(self):
        return get_user(self.client, self.params['name'])

    def validate_against(self, current):
        if current is None and not self.params.get('user_password'):
            raise ModuleFailure('user_password is required to create %s' % self.describe())

    def _password_works(self):
        """Whether user_password signs in as the user (MLflow never returns passwords)."""
        return signs_in(self.client, USERS + '/current', self.params['name'], self.params['user_password'])

    def desired(self, current):
        admin = self.params.get('admin')
        view = {
            'id': current['id'] if current else None,
            'username': self.params['name'],
            'is_admin': admin if admin is not None else bool(current and current['is_admin']),
        }
        self.set_password = False
        if current and self.params.get('user_password') and self.params['update_password'] == 'always':
            if not self._password_works():
                view['password_updated'] = True
                self.set_password = True
        return view

    def create(self, desired):
        self.client.post(USERS + '/create', {'username': desired['username'],
                                             'password': self.params['user_password']})
        if desired['is_admin']:
            self._set_admin(True)

    def update(self, current, desired):
        if desired['is_admin'] != current['is_admin']:
            self._set_admin(desired['is_admin'])
        if self.set_password:
            body = {'username': current['username'], 'password': self.params['user_password']}
            if self._is_self():
                body['current_password'] = self.params.get('password')  # MLflow asks for it on a self-change
            self.client.patch(USERS + '/update-password', body, idempotent=True)

    def _set_admin(self, value):
        self.client.patch(USERS + '/update-admin', {'username': self.params['name'], 'is_admin': value},
                          idempotent=True)

    def delete(self, current):
        self.client.delete(USERS + '/delete', body={'username': current['username']})

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'password_updated')
