# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""The nexus_admin_password logic: the first start's generated admin password -> the desired one.

Fact the code relies on (see _nexus.py): on first start admin.password holds a random password until it is changed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._http import basic_auth, path_quote, signs_in
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource


class AdminPassword(NexusOperation, Resource):
    """Make the connection credentials work: the first start's generated password -> the desired one."""

    result_key = 'admin'
    kind = 'Nexus admin password'
    option_code = {'initial_password': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/nexus_admin_password.py DOCUMENTATION, do not edit
        initial_password=dict(type='str', no_log=True),
        initial_password_file=dict(type='path'),
        accept_eula=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('username', 'password')],
                         mutually_exclusive=[('initial_password', 'initial_password_file')])

    def describe(self):
        return "the password of Nexus user '%s'" % self.params.get('username')

    def validate(self):
        p = self.params
        if not p.get('username') or not p.get('password'):
            raise ModuleFailure('username and password are required: they are the credentials this task makes work '
                                '(the desired admin password)')
        self.path = p.get('initial_password_file')

    def _works(self, password):
        return signs_in(self.client, '/v1/security/users', self.params['username'], password,
                        query={'userId': self.params['username']})

    def _initial_password(self):
        p = self.params
        if p.get('initial_password'):
            return p['initial_password'], 'initial_password'
        if self.path:
            try:
                with open(self.path) as handle:
                    return handle.read().strip(), self.path
            except (IOError, OSError):
                return None, self.path
        return None, None

    def read(self):
        self.desired_works = self._works(self.params['password'])
        state = {'username': self.params['username'], 'password_works': self.desired_works}
        if self.params['accept_eula']:
            auth = None
            if not self.desired_works:
                initial, source = self._initial_password()
                if initial and self._works(initial):
                    auth = initial
            if self.desired_works or auth:
                headers = {'Authorization': basic_auth(self.params['username'], auth)} if auth else None
                self.eula = self.client.request('GET', '/v1/system/eula', headers=headers).json or {}
                state['eula_accepted'] = bool(self.eula.get('accepted'))
        return state

    def validate_against(self, current):
        if self.desired_works:
            return
        initial, source = self._initial_password()
        if initial is None:
            where = ('the file %s (Nexus deletes it once the admin password was changed)' % source if source
                     else 'initial_password or initial_password_file')
            raise ModuleFailure("the password given for '%s' does not work and no initial password was found in %s. "
                                "Give the current password in initial_password." % (self.params['username'], where))
        if not self._works(initial):
            raise ModuleFailure("neither the desired password nor the initial password from %s works for '%s'"
                                % (source, self.params['username']))
        self.initial = initial

    def desired(self, current):
        view = dict(current, password_works=True)
        if self.params['accept_eula']:
            view['eula_accepted'] = True
        return view

    def update(self, current, desired):
        username = self.params['username']
        if not current['password_works']:
            self.client.request('PUT', '/v1/security/users/%s/change-password' % path_quote(username),
                                data=self.params['password'], content_type='text/plain',
                                headers={'Authorization': basic_auth(username, self.initial)})
        if desired.get('eula_accepted') and not current.get('eula_accepted'):
            self.client.post('/v1/system/eula', {'accepted': True, 'disclaimer': self.eula.get('disclaimer', '')})
