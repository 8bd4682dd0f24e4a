# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""The minio_user logic: MinIO users (access key, secret, status, attached policies) through the admin API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._minio import AdminOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name
from ansible_collections.maestro.platform.plugins.module_utils._s3 import storage_call, storage_failure


USER_NAME = re.compile(r'^[^=,\s][^=,]*[^=,\s]$')


class User(AdminOperation, Resource):
    result_key = 'user'
    kind = 'MinIO user'
    option_code = {'secret': dict(no_log=True), 'update_secret': dict(no_log=False)}
    module_options = dict(  # generated from plugins/modules/minio_user.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True, aliases=['user', 'user_access_key']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        secret=dict(type='str', aliases=['user_secret_key', 'password'], no_log=True),
        update_secret=dict(type='str', default='always', choices=['always', 'on_create'], no_log=False),
        status=dict(type='str', choices=['enabled', 'disabled']),
        policies=dict(type='list', elements='str'),
        purge_policies=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def describe(self):
        return "MinIO user '%s'" % self.params.get('name')

    def validate(self):
        name = require_name(self.params)
        if len(name) < 3 or not USER_NAME.match(name):
            raise ModuleFailure("name: a MinIO access key has at least 3 characters and no '=' or ',', got %r"
                                % name)
        if name == self.params.get('access_key'):
            raise ModuleFailure('name: %r is the account this task connects with; manage other users, not the '
                                'admin account itself' % name)
        secret = self.params.get('secret')
        if secret is not None and len(secret) < 8:
            raise ModuleFailure('secret must have at least 8 characters (MinIO rejects shorter secret keys)')
        for policy in self.params.get('policies') or []:
            if not policy or ',' in policy:
                raise ModuleFailure('policies: %r is not a policy name' % policy)

    def read(self):
        name = self.params['name']
        info = storage_call('read', self.describe(), self.client.json, 'GET', 'user-info', {'accessKey': name},
                            absent=('404',))
        if info is None:
            return None
        policies = sorted(p for p in (info.get('policyName') or '').split(',') if p)
        state = {'name': name, 'status': info.get('status') or 'enabled', 'policies': policies,
                 'member_of': sorted(info.get('memberOf') or [])}
        if self.params['state'] == 'present' and self.params.get('secret') and \
                self.params['update_secret'] == 'always':
            state['secret_state'] = self._secret_state(name, state['status'])
        return state

    def _secret_state(self, name, status):
        """'current' when the task's secret signs a request MinIO accepts for this user."""
        if status != 'enabled':
            return 'unverifiable'  # MinIO refuses a disabled account before it checks the signature
        try:
            self.client.request('GET', 'accountinfo', access_key=name, secret_key=self.params['secret'])
        except ApiError as exc:
            if exc.error_code == 'SignatureDoesNotMatch':
                return 'outdated'
            if exc.status == 403 and exc.error_code == 'AccessDenied':
                return 'current'  # signature accepted, the call itself not allowed
            raise storage_failure(exc, 'check the secret of', self.describe())
        return 'current'

    def validate_against(self, current):
        if current is None and self.params['state'] == 'present' and not self.params.get('secret'):
            raise ModuleFailure('secret is required to create %s' % self.describe())

    def desired(self, current):
        current = current or {'status': 'enabled', 'policies': [], 'member_of': []}
        want = {'name': self.params['name'], 'status': self.params.get('status') or current['status'],
                'member_of': current['member_of']}
        policies = self.params.get('policies')
        if policies is None:
            want['policies'] = current['policies']
        elif self.params['purge_policies']:
            want['policies'] = sorted(set(policies))
        else:
            want['policies'] = sorted(set(policies) | set(current['policies']))
        if 'secret_state' in current:
            # A disabled account cannot be checked (MinIO refuses it before the signature); its secret is
            # written when this module enables it, which add-user does in the same call.
            unverifiable = current['secret_state'] == 'unverifiable' and want['status'] == 'disabled'
            want['secret_state'] = current['secret_state'] if unverifiable else 'current'
        return want

    def create(self, desired):
        self._add(desired['status'])
        self._policies([], desired['policies'])

    def update(self, current, desired):
        if desired.get('secret_state', 'current') != current.get('secret_state', 'current'):
            self._add(desired['status'])
        elif desired['status'] != current['status']:
            storage_call('set the status of', self.describe(), self.client.request, 'PUT', 'set-user-status',
                         {'accessKey': self.params['name'], 'status': desired['status']})
        self._policies(current['policies'], desired['policies'])

    def _add(self, status):
        storage_call('write', self.describe(), self.client.request, 'PUT', 'add-user',
                     {'accessKey': self.params['name']}, body={'secretKey': self.params['secret'], 'status': status},
                     encrypt=True)

    def _policies(self, current, desired):
        to_attach = [p for p in desired if p not in current]
        to_detach = [p for p in current if p not in desired]
        for op, names in (('attach', to_attach), ('detach', to_detach)):
            if not names:
                continue
            listed = ', '.join(names)
            missing = ('Failed to attach policies %s to %s: a policy does not exist; create it first with '
                       'maestro.platform.minio_policy' % (listed, self.describe()))
            # XMinioAdminPolicyChangeAlreadyApplied: someone else made the same change meanwhile
            storage_call('%s policies %s for' % (op, listed), self.describe(), self.client.request, 'POST',
                         'idp/builtin/policy/%s' % op, body={'policies': names, 'user': self.params['name']},
                         encrypt=True, decrypt=True, idempotent=True,
                         absent=('XMinioAdminPolicyChangeAlreadyApplied',),
                         messages={'XMinioAdminNoSuchPolicy': missing})

    def delete(self, current):
        storage_call('delete', self.describe(), self.client.request, 'DELETE', 'remove-user',
                     {'accessKey': current['name']})

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'secret_state')
