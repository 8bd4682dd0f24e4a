# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""The nexus_security logic: active realms and anonymous access."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource


class Security(NexusOperation, Resource):
    result_key = 'security'
    kind = 'Nexus security settings'
    module_options = dict(  # generated from plugins/modules/nexus_security.py DOCUMENTATION, do not edit
        realms=dict(type='list', elements='str'),
        anonymous_access=dict(type='bool'),
        anonymous_user_id=dict(type='str'),
        anonymous_realm=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def describe(self):
        return 'the Nexus security settings'

    def validate(self):
        realms = self.params.get('realms')
        if realms is not None:
            if not realms:
                raise ModuleFailure('realms must list at least one realm, in the order Nexus should try them, '
                                    'for example [NexusAuthenticatingRealm, DockerToken]')
            if len(set(realms)) != len(realms):
                raise ModuleFailure('realms lists a realm twice: %s' % ', '.join(realms))
            if 'NexusAuthenticatingRealm' not in realms:
                self.warn('realms does not include NexusAuthenticatingRealm: local users (admin included) will no '
                          'longer be able to sign in')

    def read(self):
        realms = self.client.get('/v1/security/realms/active') or []
        anonymous = self.client.get('/v1/security/anonymous') or {}
        return {'realms': list(realms), 'anonymous_access': bool(anonymous.get('enabled')),
                'anonymous_user_id': anonymous.get('userId'), 'anonymous_realm': anonymous.get('realmName')}

    def validate_against(self, current):
        realms = self.params.get('realms')
        if realms is not None and realms != current['realms']:
            available = [r.get('id') for r in self.client.get('/v1/security/realms/available') or []]
            unknown = [r for r in realms if r not in available]
            if unknown:
                raise ModuleFailure('realms: %s not available on this Nexus; available realms are %s'
                                    % (', '.join(unknown), ', '.join(available)))

    def desired(self, current):
        view = copy.deepcopy(current)
        for option in ('realms', 'anonymous_access', 'anonymous_user_id', 'anonymous_realm'):
            if self.params.get(option) is not None:
                view[option] = self.params[option]
        return view

    def update(self, current, desired):
        if desired['realms'] != current['realms']:
            self.client.put('/v1/security/realms/active', list(desired['realms']))
        anonymous = ('anonymous_access', 'anonymous_user_id', 'anonymous_realm')
        if any(desired[k] != current[k] for k in anonymous):
            self.client.put('/v1/security/anonymous', {'enabled': desired['anonymous_access'],
                                                       'userId': desired['anonymous_user_id'],
                                                       'realmName': desired['anonymous_realm']})
