# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor replication policies.

Facts the code relies on (Harbor v2.15):
- GET /replication/policies?name= lists the policies whose name matches; PUT replaces a policy and repeats its id.
- A policy pulls from (src_registry) or pushes to (dest_registry) a registry endpoint; id 0 or none is this
  Harbor itself.
- Harbor v2.15 binds only the deprecated `deletion` on input (replicate_deletion on output): both are sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative
from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    HarborOperation,
    HarborResource,
    list_all,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_cron import check_cron
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

FILTER_TYPES = ('name', 'tag', 'label', 'resource')
DECORATED = ('tag', 'label')


def _registry_name(ref):
    if not ref or not ref.get('id'):
        return None  # id 0 / missing: this Harbor itself
    return ref.get('name')


def normalize_filters(filters):
    result = []
    for item in filters or []:
        value = item.get('value')
        if isinstance(value, list):
            value = sorted(str(v) for v in value)
        result.append({'type': item.get('type'), 'value': value, 'decoration': item.get('decoration') or 'matches'})
    return sorted(result, key=lambda f: (f['type'] or '', json.dumps(f['value'])))


def wire_filters(filters):
    """Filters as Harbor takes them: a decoration on tag and label filters only (src/pkg/reg/model/policy.go
    Filter.Validate, v2.15.2: "only tag and label filter support decoration" for name and resource filters)."""
    return [dict((k, v) for k, v in f.items() if k != 'decoration' or f['type'] in DECORATED) for f in filters]


def normalize_policy(raw):
    trigger = raw.get('trigger') or {}
    settings = trigger.get('trigger_settings') or {}
    deletion = raw.get('replicate_deletion')
    if deletion is None:
        deletion = raw.get('deletion')
    return {
        'id': raw.get('id'),
        'name': raw.get('name'),
        'description': raw.get('description') or '',
        'source_registry': _registry_name(raw.get('src_registry')),
        'destination_registry': _registry_name(raw.get('dest_registry')),
        'dest_namespace': raw.get('dest_namespace') or '',
        'dest_namespace_replace_count': raw.get('dest_namespace_replace_count')
        if raw.get('dest_namespace_replace_count') is not None else -1,
        'trigger': trigger.get('type') or 'manual',
        'cron': settings.get('cron') or None,
        'filters': normalize_filters(raw.get('filters')),
        'replicate_deletion': bool(deletion),
        'override': bool(raw.get('override')),
        'enabled': bool(raw.get('enabled')),
        'speed': raw.get('speed') if raw.get('speed') not in (None, 0) else -1,
        'copy_by_chunk': bool(raw.get('copy_by_chunk')),
        'single_active_replication': bool(raw.get('single_active_replication')),
        '_registry_ids': {'src': (raw.get('src_registry') or {}).get('id') or None,
                          'dest': (raw.get('dest_registry') or {}).get('id') or None},
    }


class ReplicationPolicy(Declarative, HarborResource):
    result_key = 'replication_policy'
    kind = 'Harbor replication policy'
    module_options = dict(  # generated from plugins/modules/harbor_replication_policy.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        source_registry=dict(type='str'),
        destination_registry=dict(type='str'),
        dest_namespace=dict(type='str', aliases=['destination_namespace']),
        dest_namespace_replace_count=dict(type='int'),
        trigger=dict(type='str', choices=['manual', 'scheduled', 'event_based']),
        cron=dict(type='str'),
        filters=dict(type='list', elements='dict', options=dict(
            type=dict(type='str', required=True, choices=['name', 'tag', 'label', 'resource']),
            value=dict(type='raw', required=True),
            decoration=dict(type='str', default='matches', choices=['matches', 'excludes']),
        )),
        replicate_deletion=dict(type='bool'),
        override=dict(type='bool'),
        enabled=dict(type='bool'),
        speed=dict(type='int'),
        copy_by_chunk=dict(type='bool'),
        single_active_replication=dict(type='bool'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs,
                         mutually_exclusive=[('source_registry', 'destination_registry')],
                         required_if=[('trigger', 'scheduled', ('cron',))])

    # the object's own read/desired/body; create (POST), update (PUT with the id), delete and public: the engine's
    collection = '/replication/policies'
    put_id = True

    def validate(self):
        if not self.params['name'].strip():
            raise ModuleFailure('name must be a non-empty string')
        if self.params.get('cron') is not None:
            if self.params.get('trigger') not in ('scheduled', None):
                raise ModuleFailure('cron is only used with trigger=scheduled')
            self.params['cron'] = check_cron(self.params['cron'], every_minute=False)
        speed = self.params.get('speed')
        if speed is not None and (speed < -1 or speed == 0):
            raise ModuleFailure('speed must be -1 (no limit) or a positive number of KB/s, got %s' % speed)
        count = self.params.get('dest_namespace_replace_count')
        if count is not None and count < -1:
            raise ModuleFailure('dest_namespace_replace_count must be -1 (flatten nothing special) or >= 0, got %s'
                                % count)
        self.filters = None
        if self.params.get('filters') is not None:
            self.filters = self._check_filters()

    def _check_filters(self):
        """The task's filters, normalised; ModuleFailure naming the filter whose value cannot be sent."""
        filters = []
        for index, item in enumerate(self.params['filters']):
            value = item['value']
            if item['type'] == 'label':
                value = value if isinstance(value, list) else [value]
                value = [str(v) for v in value]
            elif isinstance(value, (list, dict)) or value is None or str(value) == '':
                raise ModuleFailure('filters[%d].value must be a non-empty pattern string for a %s filter'
                                    % (index, item['type']))
            else:
                value = str(value)
            if item['type'] == 'resource' and value not in ('image', 'artifact'):
                raise ModuleFailure("filters[%d].value must be 'image' or 'artifact' for a resource filter"
                                    % index)
            if item['type'] not in DECORATED and item['decoration'] != 'matches':
                raise ModuleFailure('filters[%d].decoration: excludes is only for tag and label filters (Harbor '
                                    'refuses a decoration on a %s filter): leave it out' % (index, item['type']))
            filters.append({'type': item['type'], 'value': value, 'decoration': item['decoration']})
        return normalize_filters(filters)

    def read(self):
        for raw in list_all(self.client, '/replication/policies', query={'name': self.params['name']}):
            if raw.get('name') == self.params['name']:
                return normalize_policy(raw)
        return None

    def _registry_id(self, option):
        registry = self.registry_or_predict(option, self.params.get(option))
        return registry['id'] if registry else None

    def validate_against(self, current):
        self.ids = dict(current['_registry_ids']) if current else {'src': None, 'dest': None}
        src, dest = self.params.get('source_registry'), self.params.get('destination_registry')
        if current is None and not src and not dest:
            raise ModuleFailure('source_registry (pull from a remote registry) or destination_registry (push to '
                                'it) is required to create %s' % self.describe())
        if src:
            self.ids = {'src': self._registry_id('source_registry'), 'dest': None}
        elif dest:
            self.ids = {'src': None, 'dest': self._registry_id('destination_registry')}
        trigger = self.params.get('trigger') or (current or {}).get('trigger')
        if trigger == 'scheduled' and not (self.params.get('cron') or (current or {}).get('cron')):
            raise ModuleFailure('cron is required with trigger=scheduled')

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'name': self.params['name'], 'description': '', 'source_registry': None,
            'destination_registry': None, 'dest_namespace': '', 'dest_namespace_replace_count': -1,
            'trigger': 'manual', 'cron': None, 'filters': [], 'replicate_deletion': False, 'override': True,
            'enabled': True, 'speed': -1, 'copy_by_chunk': False, 'single_active_replication': False}
        for option in ('description', 'dest_namespace', 'dest_namespace_replace_count', 'trigger',
                       'replicate_deletion', 'override', 'enabled', 'speed', 'copy_by_chunk',
                       'single_active_replication'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.params.get('source_registry'):
            base.update(source_registry=self.params['source_registry'], destination_registry=None)
        elif self.params.get('destination_registry'):
            base.update(source_registry=None, destination_registry=self.params['destination_registry'])
        base['_registry_ids'] = self.ids
        if base['trigger'] != 'scheduled':
            base['cron'] = None
        elif self.params.get('cron'):
            base['cron'] = self.params['cron']
        if self.filters is not None:
            base['filters'] = self.filters
        return base

    def body(self, desired, secrets=False, update=False):
        body = {
            'name': desired['name'], 'description': desired['description'],
            'dest_namespace': desired['dest_namespace'],
            'dest_namespace_replace_count': desired['dest_namespace_replace_count'],
            'trigger': {'type': desired['trigger'],
                        'trigger_settings': {'cron': desired['cron'] or ''}},
            # Harbor v2.15 binds only the deprecated `deletion` on input; send both spellings.
            'filters': wire_filters(desired['filters']), 'replicate_deletion': desired['replicate_deletion'],
            'deletion': desired['replicate_deletion'],
            'override': desired['override'], 'enabled': desired['enabled'], 'speed': desired['speed'],
            'copy_by_chunk': desired['copy_by_chunk'],
            'single_active_replication': desired['single_active_replication'],
        }
        ids = desired['_registry_ids']
        if ids['src']:
            body['src_registry'] = {'id': ids['src']}
        if ids['dest']:
            body['dest_registry'] = {'id': ids['dest']}
        return body
