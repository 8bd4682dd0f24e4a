# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.nexus_privilege. Not a public API; it may change at any time.
"""Nexus privileges through /v1/security/privileges.

Facts from Nexus's source (sonatype/nexus-public, components/nexus-security .../privilege/rest and
components/nexus-repository-services .../repository/security):
- Create: POST /v1/security/privileges/<type> -> 201; a name in use -> 400 "Privilege '<name>' already exists".
  Update: PUT /v1/security/privileges/<type>/<name> -> 204. Read: GET /v1/security/privileges/<name>, 404 when
  missing. Delete: DELETE /v1/security/privileges/<name>. A read-only (built-in) privilege -> 400 "is internal
  and cannot be modified or deleted".
- PrivilegeApiResourceSupport.doUpdate copies only the description and the properties of the request onto the
  stored privilege: its TYPE IS KEPT. A PUT to another type's endpoint therefore leaves e.g. a wildcard
  privilege holding repository properties. This module refuses a type change instead of sending one.
- Allowed actions per type (PrivilegeDescriptorSupport.validateActions, 400 "cannot use action(s)"):
  repository-view/-admin/-content-selector: PrivilegeAction.getBreadActions (browse read edit add delete all);
  script: getBreadRunActions (+ run); application: getCrudTaskAction (read edit add delete associate disassociate
  start stop all; Nexus stores add/edit as create/update and reads them back as ADD/EDIT).
- Repository privileges: the repository must exist (or be *), the format must be the repository's format
  (maven2 for Maven) or *, and a known format (RepositoryPrivilegeDescriptorSupport); a content-selector
  privilege's selector must exist (RepositoryContentSelectorPrivilegeDescriptor); a script privilege's script
  must exist (ScriptPrivilegeDescriptor). Nexus checks these before writing anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NexusOperation, _get_or_none, already_exists, require_object_name)
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, ModuleFailure, Resource

BREAD = ('browse', 'read', 'edit', 'add', 'delete', 'all')
# type -> (fields it takes besides name/description, allowed actions or None when it takes no actions)
TYPES = {
    'repository-view': (('format', 'repository', 'actions'), BREAD),
    'repository-admin': (('format', 'repository', 'actions'), BREAD),
    'repository-content-selector': (('format', 'repository', 'content_selector', 'actions'), BREAD),
    'application': (('domain', 'actions'), ('read', 'edit', 'add', 'delete', 'associate', 'disassociate',
                                            'start', 'stop', 'all')),
    'script': (('script_name', 'actions'), BREAD[:-1] + ('run', 'all')),
    'wildcard': (('pattern',), None),
}
FIELDS = ('format', 'repository', 'content_selector', 'actions', 'domain', 'script_name', 'pattern')
API_NAMES = {'content_selector': 'contentSelector', 'script_name': 'scriptName'}
API_FORMAT = {'maven': 'maven2'}


def privilege_view(raw):
    ptype = raw.get('type')
    view = {'name': raw.get('name'), 'type': ptype, 'description': raw.get('description') or '',
            'read_only': bool(raw.get('readOnly'))}
    for field in TYPES.get(ptype, ((), None))[0]:
        value = raw.get(API_NAMES.get(field, field))
        if field == 'actions':
            value = sorted(set(a.lower() if a != '*' else 'all' for a in value or []))
        view[field] = value
    return view


class Privilege(NexusOperation, Resource):
    result_key = 'privilege'
    kind = 'Nexus privilege'
    module_options = dict(  # generated from plugins/modules/nexus_privilege.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        type=dict(type='str',
                  choices=['application', 'repository-admin', 'repository-content-selector', 'repository-view',
                           'script', 'wildcard']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        format=dict(type='str'),
        repository=dict(type='str'),
        content_selector=dict(type='str'),
        actions=dict(type='list', elements='str'),
        domain=dict(type='str'),
        script_name=dict(type='str'),
        pattern=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('username', 'password')],
                         required_if=[('state', 'present', ('type',))])

    def validate(self):
        require_object_name(self.params)
        if self.params.get('state', 'present') == 'present':
            self._check_fields(self.params['type'])

    def _check_fields(self, ptype):
        fields, allowed = TYPES[ptype]
        for field in FIELDS:
            value = self.params.get(field)
            if value is not None and field not in fields:
                raise ModuleFailure('%s does not apply to a %s privilege (its options: %s)'
                                    % (field, ptype, ', '.join(fields)))
            if field in fields and value is not None and field != 'actions' and not value.strip():
                raise ModuleFailure('%s must not be empty' % field)
        if allowed is not None:
            self._check_actions(ptype, allowed)

    def _check_actions(self, ptype, allowed):
        actions = self.params.get('actions')
        if actions is None:
            return
        if not actions:
            raise ModuleFailure('actions must list at least one action of %s' % ', '.join(allowed))
        wrong = [a for a in actions if a.lower() not in allowed and a != '*']
        if wrong:
            raise ModuleFailure('actions: %s not allowed for a %s privilege; allowed: %s'
                                % (', '.join(wrong), ptype, ', '.join(allowed)))

    def read(self):
        raw = _get_or_none(self.client, '/v1/security/privileges/' + path_quote(self.params['name']))
        return privilege_view(raw) if raw is not None else None

    def batch_scope(self):
        return 'privileges'

    def read_batch(self):
        # GET /v1/security/privileges lists every privilege as GET /v1/security/privileges/{name} reads it.
        raws = self.client.get('/v1/security/privileges') or []
        return dict((raw.get('name'), privilege_view(raw)) for raw in raws) if len(raws) <= READ_AHEAD_LIMIT else None

    def validate_delete(self, current):
        if current['read_only']:
            raise ModuleFailure('%s is a built-in read-only privilege and cannot be deleted' % self.describe())

    def validate_against(self, current):
        ptype = self.params['type']
        if current is None:
            missing = [f for f in TYPES[ptype][0] if self.params.get(f) is None]
            if missing:
                raise ModuleFailure('%s required to create the %s %s' % (
                    ', '.join(missing) + (' is' if len(missing) == 1 else ' are'), ptype, self.describe()))
            return
        if current['read_only']:
            if current['type'] != ptype or self._differs(self.desired(current), current):
                raise ModuleFailure('%s is a built-in read-only privilege and cannot be changed; create your own '
                                    'privilege instead' % self.describe())
            return
        if current['type'] != ptype:
            raise ModuleFailure(
                '%s is a %s privilege: its type cannot be changed to %s. Nexus keeps the type on update (a PUT to '
                "another type's endpoint would store %s properties on a %s privilege), so delete it (state: absent) "
                'and create it again; roles that contain it must then be given it again'
                % (self.describe(), current['type'], ptype, ptype, current['type']))

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'name': p['name'], 'type': p['type'], 'description': '', 'read_only': False}
        if p.get('description') is not None:
            view['description'] = p['description']
        for field in TYPES[view['type']][0]:
            value = p.get(field)
            if field == 'actions' and value is not None:
                value = sorted(set('all' if a == '*' else a.lower() for a in value))
            elif field == 'format' and value is not None:
                value = API_FORMAT.get(value, value)
            if value is not None:
                view[field] = value
        return view

    def _body(self, view):
        body = {'name': view['name'], 'description': view['description']}
        for field in TYPES[view['type']][0]:
            value = view[field]
            if field == 'actions':
                value = [a.upper() for a in value]
            body[API_NAMES.get(field, field)] = value
        return body

    def create(self, desired):
        self.client.post('/v1/security/privileges/' + desired['type'], self._body(desired))

    def update(self, current, desired):
        self.client.put('/v1/security/privileges/%s/%s' % (current['type'], path_quote(current['name'])),
                        self._body(desired))

    def delete(self, current):
        self.client.delete('/v1/security/privileges/' + path_quote(current['name']))

    def lost_create_race(self, exc):
        return already_exists(exc)
