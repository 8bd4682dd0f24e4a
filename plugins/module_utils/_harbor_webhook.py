# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor project webhooks, a declarative resource (_declarative.py).

Facts the code relies on (Harbor v2.15):
- Webhook policies live under /projects/{project}/webhook/policies (X-Is-Resource-Name: the project by name);
  PUT replaces the policy and repeats its id.
- Webhook targets are http or slack (pkg/notification); only http takes a payload format (Default when
  none is sent); a slack target with any payload format is refused ("set payload format is not allowed
  for slack", handler/webhook.go validateTargets).
- Auth headers are returned in clear: compared, but shown masked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, as_bool, sorted_list, str_or_empty)
from ansible_collections.maestro.platform.plugins.module_utils._harbor import BY_NAME, HarborResource, check_name
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

SECRET_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
EVENT_TYPES = ('PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT', 'SCANNING_FAILED', 'SCANNING_STOPPED',
               'SCANNING_COMPLETED', 'QUOTA_EXCEED', 'QUOTA_WARNING', 'REPLICATION', 'TAG_RETENTION')


def normalize_targets(targets):
    result = []
    for target in targets or []:
        kind = target.get('type') or 'http'
        result.append({
            'type': kind,
            'address': target.get('address'),
            'auth_header': target.get('auth_header') or None,
            'skip_cert_verify': bool(target.get('skip_cert_verify')),
            # Harbor stores Default for an http target sent without one; slack targets have none
            'payload_format': (target.get('payload_format') or 'Default') if kind == 'http' else None,
        })
    return result


def wire_targets(targets):
    """Targets as sent: no empty auth header, no payload format on a slack target (Harbor refuses one)."""
    return [dict((k, v) for k, v in target.items()
                 if not (k == 'auth_header' and not v) and not (k == 'payload_format' and target['type'] != 'http'))
            for target in targets]


class Webhook(Declarative, HarborResource):
    result_key = 'webhook'
    kind = 'Harbor webhook'
    option_code = {'targets.auth_header': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/harbor_webhook.py DOCUMENTATION, do not edit
        project=dict(type='str', required=True),
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        enabled=dict(type='bool'),
        targets=dict(type='list', elements='dict', options=dict(
            address=dict(type='str', required=True),
            type=dict(type='str', default='http', choices=['http', 'slack']),
            auth_header=dict(type='str', no_log=True),
            skip_cert_verify=dict(type='bool', default=False),
            payload_format=dict(type='str', choices=['Default', 'CloudEvents']),
        )),
        event_types=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    suffix = '/webhook/policies'
    collection = '/projects/{project}' + suffix
    scope = ('project',)
    headers = BY_NAME
    put_id = True
    fields = (
        Field('id', server=True),
        Field('name'),
        Field('description', normalize=str_or_empty, default=''),
        Field('enabled', normalize=as_bool, default=True),
        Field('targets', normalize=normalize_targets, to_wire=wire_targets, default=[], required=True),
        Field('event_types', normalize=sorted_list, default=[], required=True),
    )

    def describe(self):
        return "%s '%s' of project '%s'" % (self.kind, self.params.get('name'), self.params.get('project'))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        if not self.params['name'].strip():
            raise ModuleFailure('name must be a non-empty string')
        if self.params.get('event_types') is not None:
            self.params['event_types'] = self._check_events(self.params['event_types'])
        if self.params.get('targets') is not None:
            self._check_targets(self.params['targets'])

    @staticmethod
    def _check_events(event_types):
        events = []
        for event in event_types:
            upper = str(event).strip().upper()
            if upper not in EVENT_TYPES:
                raise ModuleFailure('event_types: %r is not a Harbor webhook event; use %s'
                                    % (event, ', '.join(EVENT_TYPES)))
            events.append(upper)
        if not events:
            raise ModuleFailure('event_types must list at least one event')
        return sorted(set(events))

    @staticmethod
    def _check_targets(targets):
        for index, target in enumerate(targets):
            if not target['address'].startswith(('http://', 'https://')):
                raise ModuleFailure('targets[%d].address must be an http:// or https:// URL, got %r'
                                    % (index, target['address']))
            if target['payload_format'] is not None and target['type'] != 'http':
                raise ModuleFailure('targets[%d].payload_format: Harbor takes no payload format for a %s target '
                                    '(it refuses one: "set payload format is not allowed for slack"); remove '
                                    'payload_format from this target, or use type http' % (index, target['type']))
        if not targets:
            raise ModuleFailure('targets must list at least one target')

    def list_objects(self):
        return self.list_in_project(self.suffix)

    def public(self, obj):
        # Harbor returns auth headers in clear; a header this task did not give is not a no_log value here.
        result = dict(obj)
        result['targets'] = [dict(t, auth_header=SECRET_MASK if t.get('auth_header') else None)
                             for t in obj.get('targets') or []]
        return result
