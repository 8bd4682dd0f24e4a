# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""Permissions of MLflow users on experiments and registered models (mlflow_permission), in MLflow's
basic-auth app.

Facts the code relies on, read from MLflow 3.17.2 (mlflow/server/auth/__init__.py, routes.py,
sqlalchemy_store.py, permissions.py) and checked against a real server in
tests/integration/test_mlflow_auth.py:
- Permissions (3.x RBAC): a user's direct grants live on a synthetic role named __user_<id>__.
  POST /api/3.0/mlflow/users/permissions/grant {username, resource_type, resource_id, permission}
  (RESOURCE_ALREADY_EXISTS, 400, when a grant is there), POST .../revoke {username, resource_type,
  resource_id} (RESOURCE_DOES_NOT_EXIST, 404, when none), GET /api/3.0/mlflow/users/permissions/list
  ?username= -> {"permissions": [{role_name, resource_type, resource_pattern, permission, ...}]}.
  resource_type is "experiment" (resource_id = experiment id) or "registered_model" (= model name).
  Grantable on a resource: READ, USE, EDIT, MANAGE, DENY. NO_PERMISSIONS is refused by the server
  ("an absent grant plus default_permission already expresses no access").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    API,
    MlflowOperation,
    get_experiment,
    get_registered_model,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_user import get_user
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
    Resource,
    require_name,
)

PERMISSIONS = '/api/3.0/mlflow/users/permissions'
GRANTABLE = ('READ', 'USE', 'EDIT', 'MANAGE', 'DENY')
SYNTHETIC_ROLE = re.compile(r'^__user_\d+__$')  # sqlalchemy_store.py: _synthetic_user_role_name


class Permission(MlflowOperation, Resource):
    result_key = 'permission'
    complete_desired = True
    kind = 'MLflow permission'
    strict_strings = ('user', 'experiment_name', 'registered_model')
    module_options = dict(  # generated from plugins/modules/mlflow_permission.py DOCUMENTATION, do not edit
        user=dict(type='str', required=True),
        experiment_name=dict(type='str'),
        experiment_id=dict(type='str'),
        registered_model=dict(type='str', aliases=['registered_model_name']),
        permission=dict(type='str', choices=['READ', 'USE', 'EDIT', 'MANAGE', 'DENY', 'NO_PERMISSIONS']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    RESOURCES = ('experiment_name', 'experiment_id', 'registered_model')
    module_kwargs = dict(
        MlflowOperation.module_kwargs,
        mutually_exclusive=MlflowOperation.module_kwargs['mutually_exclusive'] + [RESOURCES],
        required_one_of=[RESOURCES],
        required_if=[('state', 'present', ['permission'])],
    )

    def _what(self):
        p = self.params
        if p.get('registered_model') is not None:
            return "registered model '%s'" % p['registered_model']
        if p.get('experiment_id') is not None:
            return 'experiment %s' % p['experiment_id']
        return "experiment '%s'" % p.get('experiment_name')

    def describe(self):
        return "the permission of MLflow user '%s' on %s" % (self.params.get('user'), self._what())

    def validate(self):
        p = self.params
        require_name(p, 'user')
        for field in ('experiment_name', 'registered_model'):
            if p.get(field) is not None:
                require_name(p, field)
        if p.get('experiment_id') is not None and not re.match(r'^\d+$', p['experiment_id']):
            raise ModuleFailure('experiment_id must be the numeric id of an experiment, got %r; use '
                                'experiment_name to give a name' % p['experiment_id'])
        if p.get('permission') == 'NO_PERMISSIONS':
            raise ModuleFailure(
                'permission: MLflow 3 no longer stores NO_PERMISSIONS grants on a resource (the server refuses '
                'them). Use permission=DENY to block the user, or state=absent to remove the grant so the '
                "server's default_permission applies.")

    def _resource(self):
        """(resource_type, resource_id, resource_name), or None when the resource does not exist."""
        p = self.params
        if p.get('registered_model') is not None:
            model = get_registered_model(self.client, p['registered_model'])
            return ('registered_model', model['name'], model['name']) if model else None
        if p.get('experiment_id') is not None:
            try:
                raw = self.client.get(API + '/experiments/get', query={'experiment_id': p['experiment_id']})
            except ApiError as exc:
                if exc.status == 404:
                    return None
                raise
            return 'experiment', raw['experiment']['experiment_id'], raw['experiment']['name']
        experiment = get_experiment(self.client, p['experiment_name'])
        return ('experiment', experiment['experiment_id'], experiment['name']) if experiment else None

    def read(self):
        p = self.params
        present = p['state'] == 'present'
        self.resource = self._resource()
        if self.resource is None:
            if not present:
                return None
            field = next(f for f in self.RESOURCES if p.get(f) is not None)
            module = 'mlflow_registered_model' if field == 'registered_model' else 'mlflow_experiment'
            raise ModuleFailure('%s: %s does not exist; create it first with maestro.platform.%s'
                                % (field, self._what(), module))
        if get_user(self.client, p['user']) is None:
            if not present:
                return None
            raise ModuleFailure("user: MLflow user '%s' does not exist; create it first with "
                                "maestro.platform.mlflow_user" % p['user'])
        resource_type, resource_id, resource_name = self.resource
        data = self.client.get(PERMISSIONS + '/list', query={'username': p['user']}) or {}
        for row in data.get('permissions') or []:
            if SYNTHETIC_ROLE.match(row.get('role_name') or '') and row.get('resource_type') == resource_type \
                    and str(row.get('resource_pattern')) == str(resource_id):
                return self._view(row['permission'])
        return None

    def _view(self, permission):
        resource_type, resource_id, resource_name = self.resource
        return {'user': self.params['user'], 'resource_type': resource_type, 'resource_id': resource_id,
                'resource_name': resource_name, 'permission': permission}

    def desired(self, current):
        return self._view(self.params['permission'])

    def _body(self, view):
        return {'username': view['user'], 'resource_type': view['resource_type'],
                'resource_id': view['resource_id']}

    def create(self, desired):
        self.client.post(PERMISSIONS + '/grant', dict(self._body(desired), permission=desired['permission']))

    def update(self, current, desired):
        # grant refuses to overwrite an existing grant (RESOURCE_ALREADY_EXISTS): revoke, then grant.
        self.delete(current)
        self.create(desired)

    def delete(self, current):
        self.client.post(PERMISSIONS + '/revoke', self._body(current))
