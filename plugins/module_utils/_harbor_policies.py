# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor registries, replication, webhooks, retention, immutability, configuration and schedules.

The service base and shared helpers are in _harbor.py. Facts the code relies on (Harbor v2.15):
- GET /registries masks access_secret as "*****"; ldap_search_password, oidc_client_secret (and
  uaa_client_secret) of /configurations are write-only. A secret that cannot be read back cannot be
  compared: it is written on create, or on every run with update_secret=always.
- GET /configurations returns {key: {value, editable}}; PUT takes flat values.
- A project has at most one retention policy; its id is the project's metadata retention_id.
- Immutable tag rules have no name: a rule is identified by its repository and tag selectors.
- Schedules (gc, scanAll, purgeaudit) are created by POST and changed by PUT; type None cancels one.
  GC takes 1 to 10 workers (Harbor >= 2.13, handler/gc.go validateWorkers).
- Webhook targets are http or slack (pkg/notification); only http takes a payload format (Default when
  none is sent); a slack target with any payload format is refused ("set payload format is not allowed
  for slack", handler/webhook.go validateTargets).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    HarborOperation,
    HarborResource,
    check_cron,
    check_name,
    find_registry,
    get_or_none,
    list_all,
    project_path,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

SECRET_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


# -- registries -----------------------------------------------------------------------------------
REGISTRY_TYPES = ('harbor', 'docker-hub', 'docker-registry', 'aws-ecr', 'azure-acr', 'google-gcr', 'quay',
                  'gitlab', 'github-ghcr', 'jfrog-artifactory', 'huawei-SWR', 'ali-acr', 'tencent-tcr',
                  'volcengine-cr', 'dtr')


def normalize_registry(raw):
    credential = raw.get('credential') or {}
    return {
        'id': raw.get('id'),
        'name': raw.get('name'),
        'type': raw.get('type'),
        'url': (raw.get('url') or '').rstrip('/'),
        'description': raw.get('description') or '',
        'insecure': bool(raw.get('insecure')),
        'ca_certificate': raw.get('ca_certificate') or None,
        'credential_type': credential.get('type') or None,
        'access_key': credential.get('access_key') or None,
        'status': raw.get('status'),
    }


class Registry(HarborResource):
    result_key = 'registry'
    kind = 'Harbor registry endpoint'
    module_options = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        type=dict(type='str', choices=list(REGISTRY_TYPES)),
        endpoint_url=dict(type='str', aliases=['registry_url']),
        description=dict(type='str'),
        insecure=dict(type='bool'),
        ca_certificate=dict(type='str'),
        credential_type=dict(type='str', choices=['basic', 'oauth', 'secret'], default='basic'),
        access_key=dict(type='str', no_log=False),
        access_secret=dict(type='str', no_log=True),
        update_secret=dict(type='str', choices=['on_create', 'always'], default='on_create'),
    )
    module_kwargs = dict(HarborOperation.module_kwargs, required_together=(
        HarborOperation.module_kwargs['required_together'] + [('access_key', 'access_secret')]))

    def validate(self):
        name = self.params['name']
        if not name or not name.strip() or len(name) > 255:
            raise ModuleFailure('name must be a non-empty registry name of at most 255 characters, got %r' % name)
        url = self.params.get('endpoint_url')
        if url is not None and not url.startswith(('http://', 'https://')):
            raise ModuleFailure('endpoint_url must be the http:// or https:// URL of the remote registry, got %r'
                                % url)

    def read(self):
        raw = find_registry(self.client, self.params['name'])
        return normalize_registry(raw) if raw else None

    def validate_against(self, current):
        if current is None:
            missing = [o for o in ('type', 'endpoint_url') if self.params.get(o) is None]
            if missing:
                raise ModuleFailure('%s is required to create %s' % (' and '.join(missing), self.describe()))
        elif self.params.get('type') is not None and self.params['type'] != current['type']:
            raise ModuleFailure("type cannot be changed: %s is of type '%s', not '%s'. Delete it and create it "
                                "again, or use another name." % (self.describe(), current['type'], self.params['type']))

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'name': self.params['name'], 'type': None, 'url': None, 'description': '',
            'insecure': False, 'ca_certificate': None, 'credential_type': None, 'access_key': None,
            'status': None}
        for option in ('type', 'description', 'insecure', 'ca_certificate', 'access_key'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.params.get('endpoint_url') is not None:
            base['url'] = self.params['endpoint_url'].rstrip('/')
        if self.params.get('access_key') is not None:
            base['credential_type'] = self.params['credential_type']
            # The secret reads back masked: it is written on create, and on every run with update_secret=always.
            if current is not None and self.params['update_secret'] == 'always':
                base['_secret_update'] = True
        return base

    def create(self, desired):
        body = {'name': desired['name'], 'type': desired['type'], 'url': desired['url'],
                'description': desired['description'], 'insecure': desired['insecure']}
        if desired['ca_certificate']:
            body['ca_certificate'] = desired['ca_certificate']
        if self.params.get('access_key') is not None:
            body['credential'] = {'type': self.params['credential_type'], 'access_key': self.params['access_key'],
                                  'access_secret': self.params['access_secret']}
        self.client.post('/registries', body)

    def update(self, current, desired):
        body = {}
        for key in ('name', 'description', 'url', 'insecure', 'ca_certificate'):
            if desired[key] != current[key]:
                body[key] = desired[key] if desired[key] is not None else ''
        if self.params.get('access_key') is not None:
            if desired['access_key'] != current['access_key'] or desired['credential_type'] != current['credential_type'] \
                    or desired.get('_secret_update'):
                body.update(credential_type=desired['credential_type'], access_key=desired['access_key'],
                            access_secret=self.params['access_secret'])
        self.client.put('/registries/%s' % current['id'], body)

    def delete(self, current):
        self.client.delete('/registries/%s' % current['id'])

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_'))


# -- replication policies -------------------------------------------------------------------------
FILTER_TYPES = ('name', 'tag', 'label', 'resource')


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


class ReplicationPolicy(HarborResource):
    result_key = 'replication_policy'
    kind = 'Harbor replication policy'
    module_options = dict(
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
            type=dict(type='str', required=True, choices=list(FILTER_TYPES)),
            value=dict(type='raw', required=True),
            decoration=dict(type='str', choices=['matches', 'excludes'], default='matches'),
        )),
        replicate_deletion=dict(type='bool'),
        override=dict(type='bool'),
        enabled=dict(type='bool'),
        speed=dict(type='int'),
        copy_by_chunk=dict(type='bool'),
        single_active_replication=dict(type='bool'),
    )
    module_kwargs = dict(HarborOperation.module_kwargs,
                         mutually_exclusive=[('source_registry', 'destination_registry')],
                         required_if=[('trigger', 'scheduled', ('cron',))])

    def validate(self):
        if not self.params['name'].strip():
            raise ModuleFailure('name must be a non-empty string')
        if self.params.get('cron') is not None:
            if self.params.get('trigger') not in ('scheduled', None):
                raise ModuleFailure('cron is only used with trigger=scheduled')
            self.params['cron'] = check_cron(self.params['cron'])
        speed = self.params.get('speed')
        if speed is not None and (speed < -1 or speed == 0):
            raise ModuleFailure('speed must be -1 (no limit) or a positive number of KB/s, got %s' % speed)
        count = self.params.get('dest_namespace_replace_count')
        if count is not None and count < -1:
            raise ModuleFailure('dest_namespace_replace_count must be -1 (flatten nothing special) or >= 0, got %s'
                                % count)
        self.filters = None
        if self.params.get('filters') is not None:
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
                filters.append({'type': item['type'], 'value': value, 'decoration': item['decoration']})
            self.filters = normalize_filters(filters)

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

    def _body(self, desired):
        body = {
            'name': desired['name'], 'description': desired['description'],
            'dest_namespace': desired['dest_namespace'],
            'dest_namespace_replace_count': desired['dest_namespace_replace_count'],
            'trigger': {'type': desired['trigger'],
                        'trigger_settings': {'cron': desired['cron'] or ''}},
            # Harbor v2.15 binds only the deprecated `deletion` on input; send both spellings.
            'filters': desired['filters'], 'replicate_deletion': desired['replicate_deletion'],
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

    def create(self, desired):
        self.client.post('/replication/policies', self._body(desired))

    def update(self, current, desired):
        body = self._body(desired)
        body['id'] = current['id']
        self.client.put('/replication/policies/%s' % current['id'], body)

    def delete(self, current):
        self.client.delete('/replication/policies/%s' % current['id'])

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_'))


# -- webhooks -------------------------------------------------------------------------------------
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


def normalize_webhook(raw, project):
    return {
        'id': raw.get('id'),
        'project': project,
        'name': raw.get('name'),
        'description': raw.get('description') or '',
        'enabled': bool(raw.get('enabled')),
        'targets': normalize_targets(raw.get('targets')),
        'event_types': sorted(raw.get('event_types') or []),
    }


class Webhook(HarborResource):
    result_key = 'webhook'
    kind = 'Harbor webhook'
    module_options = dict(
        project=dict(type='str', required=True),
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        enabled=dict(type='bool'),
        targets=dict(type='list', elements='dict', options=dict(
            address=dict(type='str', required=True),
            type=dict(type='str', choices=['http', 'slack'], default='http'),
            auth_header=dict(type='str', no_log=True),
            skip_cert_verify=dict(type='bool', default=False),
            payload_format=dict(type='str', choices=['Default', 'CloudEvents']),
        )),
        event_types=dict(type='list', elements='str'),
    )

    def describe(self):
        return "%s '%s' of project '%s'" % (self.kind, self.params.get('name'), self.params.get('project'))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        if not self.params['name'].strip():
            raise ModuleFailure('name must be a non-empty string')
        self.events = None
        if self.params.get('event_types') is not None:
            events = []
            for event in self.params['event_types']:
                upper = str(event).strip().upper()
                if upper not in EVENT_TYPES:
                    raise ModuleFailure('event_types: %r is not a Harbor webhook event; use %s'
                                        % (event, ', '.join(EVENT_TYPES)))
                events.append(upper)
            if not events:
                raise ModuleFailure('event_types must list at least one event')
            self.events = sorted(set(events))
        self.targets = None
        if self.params.get('targets') is not None:
            for index, target in enumerate(self.params['targets']):
                if not target['address'].startswith(('http://', 'https://')):
                    raise ModuleFailure('targets[%d].address must be an http:// or https:// URL, got %r'
                                        % (index, target['address']))
                if target['payload_format'] is not None and target['type'] != 'http':
                    raise ModuleFailure('targets[%d].payload_format: Harbor takes no payload format for a %s target '
                                        '(it refuses one: "set payload format is not allowed for slack"); remove '
                                        'payload_format from this target, or use type http'
                                        % (index, target['type']))
            if not self.params['targets']:
                raise ModuleFailure('targets must list at least one target')
            self.targets = normalize_targets(self.params['targets'])

    def read(self):
        project = self.params['project']
        for raw in self.list_in_project('/webhook/policies') or []:
            if raw.get('name') == self.params['name']:
                return normalize_webhook(raw, project)
        return None

    def validate_against(self, current):
        if current is None:
            missing = [o for o, v in (('targets', self.targets), ('event_types', self.events)) if v is None]
            if missing:
                verb = 'are' if len(missing) > 1 else 'is'
                raise ModuleFailure('%s %s required to create %s' % (' and '.join(missing), verb, self.describe()))

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'project': self.params['project'], 'name': self.params['name'], 'description': '',
            'enabled': True, 'targets': [], 'event_types': []}
        for option in ('description', 'enabled'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.targets is not None:
            base['targets'] = self.targets
        if self.events is not None:
            base['event_types'] = self.events
        return base

    def _body(self, desired):
        targets = []
        for target in desired['targets']:
            item = dict(target)
            if not item['auth_header']:
                item.pop('auth_header')
            if item['type'] != 'http':
                item.pop('payload_format')  # Harbor refuses any payload format on a slack target
            targets.append(item)
        return {'name': desired['name'], 'description': desired['description'], 'enabled': desired['enabled'],
                'targets': targets, 'event_types': desired['event_types']}

    def create(self, desired):
        self.client.post(project_path(self.params['project'], '/webhook/policies'), self._body(desired),
                         headers=BY_NAME)

    def update(self, current, desired):
        body = self._body(desired)
        body['id'] = current['id']
        self.client.put(project_path(self.params['project'], '/webhook/policies/%s' % current['id']), body,
                        headers=BY_NAME)

    def delete(self, current):
        self.client.delete(project_path(self.params['project'], '/webhook/policies/%s' % current['id']),
                           headers=BY_NAME)

    def public(self, obj):
        # Harbor returns auth headers in clear; a header this task did not give is not a no_log value here.
        result = dict(obj)
        result['targets'] = [dict(t, auth_header=SECRET_MASK if t.get('auth_header') else None)
                             for t in obj.get('targets') or []]
        return result


# -- tag selectors shared by retention and immutability ------------------------------------------
def _selectors(repositories, repositories_decoration, tags, tags_decoration, untagged=None):
    tag = {'kind': 'doublestar', 'decoration': tags_decoration, 'pattern': tags}
    if untagged is not None:
        tag['extras'] = json.dumps({'untagged': untagged})
    return ([tag],
            {'repository': [{'kind': 'doublestar', 'decoration': 'repo' + repositories_decoration.capitalize(),
                             'pattern': repositories}]})


def _read_selectors(raw):
    tag = (raw.get('tag_selectors') or [{}])[0]
    repo = ((raw.get('scope_selectors') or {}).get('repository') or [{}])[0]
    decoration = repo.get('decoration') or 'repoMatches'
    try:
        extras = json.loads(tag.get('extras') or '{}')
    except ValueError:
        extras = {}
    return {
        'repositories': repo.get('pattern'),
        'repositories_decoration': 'excludes' if decoration == 'repoExcludes' else 'matches',
        'tags': tag.get('pattern'),
        'tags_decoration': tag.get('decoration') or 'matches',
        'untagged': bool(extras.get('untagged')),
    }


SELECTOR_OPTIONS = dict(
    repositories=dict(type='str', default='**'),
    repositories_decoration=dict(type='str', choices=['matches', 'excludes'], default='matches'),
    tags=dict(type='str', default='**'),
    tags_decoration=dict(type='str', choices=['matches', 'excludes'], default='matches'),
)


# -- retention policies ---------------------------------------------------------------------------
RETENTION_TEMPLATES = {
    'latest_pushed': 'latestPushedK',
    'latest_pulled': 'latestPulledN',
    'pushed_within_days': 'nDaysSinceLastPush',
    'pulled_within_days': 'nDaysSinceLastPull',
    'always': 'always',
}
RETENTION_NAMES = dict((v, k) for k, v in RETENTION_TEMPLATES.items())


def normalize_retention(raw, project):
    rules = []
    for rule in raw.get('rules') or []:
        template = rule.get('template')
        params = rule.get('params') or {}
        value = params.get(template)
        item = {'retain': RETENTION_NAMES.get(template, template),
                'count': int(value) if value is not None and template != 'always' else None,
                'disabled': bool(rule.get('disabled'))}
        item.update(_read_selectors(rule))
        rules.append(item)
    trigger = raw.get('trigger') or {}
    cron = (trigger.get('settings') or {}).get('cron') or None
    return {'id': raw.get('id'), 'project': project, 'schedule': cron, 'rules': rules,
            '_project_id': (raw.get('scope') or {}).get('ref')}


class RetentionPolicy(HarborResource):
    result_key = 'retention_policy'
    kind = 'Harbor tag retention policy'
    module_options = dict(
        project=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        schedule=dict(type='str'),
        rules=dict(type='list', elements='dict', options=dict(
            retain=dict(type='str', required=True, choices=list(RETENTION_TEMPLATES)),
            count=dict(type='int', aliases=['days']),
            untagged=dict(type='bool', default=True),
            disabled=dict(type='bool', default=False),
            **SELECTOR_OPTIONS
        )),
    )

    def describe(self):
        return "%s of project '%s'" % (self.kind, self.params.get('project'))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        schedule = self.params.get('schedule')
        if schedule is not None:
            self.params['schedule'] = check_cron(schedule, 'schedule') if schedule.strip() else ''
        self.rules = None
        if self.params.get('rules') is not None:
            if len(self.params['rules']) > 15:
                raise ModuleFailure('rules: Harbor allows at most 15 retention rules per project, got %d'
                                    % len(self.params['rules']))
            rules = []
            for index, rule in enumerate(self.params['rules']):
                count = rule.get('count')
                if rule['retain'] == 'always':
                    if count is not None:
                        raise ModuleFailure('rules[%d].count is not used with retain=always' % index)
                elif count is None or count < 0:
                    raise ModuleFailure('rules[%d].count must be a number >= 0 (artifacts for latest_*, days for '
                                        '*_within_days) with retain=%s' % (index, rule['retain']))
                rules.append({'retain': rule['retain'], 'count': count, 'disabled': rule['disabled'],
                              'repositories': rule['repositories'],
                              'repositories_decoration': rule['repositories_decoration'],
                              'tags': rule['tags'], 'tags_decoration': rule['tags_decoration'],
                              'untagged': rule['untagged']})
            self.rules = rules

    def read(self):
        raw = self.parent_project()
        if raw is None:
            self.project_id = None
            return None
        self.project_id = raw['project_id']
        retention_id = (raw.get('metadata') or {}).get('retention_id')
        if not retention_id:
            return None
        policy = get_or_none(self.client, '/retentions/%s' % retention_id)
        if policy is None:
            return None
        return normalize_retention(policy, self.params['project'])

    def validate_against(self, current):
        if current is None and self.rules is None:
            raise ModuleFailure('rules is required to create %s' % self.describe())

    def desired(self, current):
        base = dict(current) if current else {'id': None, 'project': self.params['project'], 'schedule': None,
                                              'rules': [], '_project_id': self.project_id}
        if self.params.get('schedule') is not None:
            base['schedule'] = self.params['schedule'] or None
        if self.rules is not None:
            base['rules'] = self.rules
        return base

    def _body(self, desired):
        rules = []
        for priority, rule in enumerate(desired['rules']):
            template = RETENTION_TEMPLATES[rule['retain']]
            tag_selectors, scope_selectors = _selectors(rule['repositories'], rule['repositories_decoration'],
                                                        rule['tags'], rule['tags_decoration'], rule['untagged'])
            rules.append({'priority': priority, 'disabled': rule['disabled'], 'action': 'retain',
                          'template': template,
                          'params': {} if template == 'always' else {template: rule['count']},
                          'tag_selectors': tag_selectors, 'scope_selectors': scope_selectors})
        return {'algorithm': 'or', 'rules': rules,
                'trigger': {'kind': 'Schedule', 'settings': {'cron': desired['schedule'] or ''}, 'references': {}},
                'scope': {'level': 'project', 'ref': self.project_id}}

    def create(self, desired):
        self.client.post('/retentions', self._body(desired))

    def update(self, current, desired):
        body = self._body(desired)
        body['id'] = current['id']
        self.client.put('/retentions/%s' % current['id'], body)

    def delete(self, current):
        self.client.delete('/retentions/%s' % current['id'])

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_'))


# -- immutable tag rules --------------------------------------------------------------------------
class ImmutableRule(HarborResource):
    result_key = 'immutable_rule'
    kind = 'Harbor immutable tag rule'
    module_options = dict(
        project=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        disabled=dict(type='bool', default=False),
        **SELECTOR_OPTIONS
    )

    def describe(self):
        return ("%s (repositories %s '%s', tags %s '%s') of project '%s'"
                % (self.kind, self.params.get('repositories_decoration'), self.params.get('repositories'),
                   self.params.get('tags_decoration'), self.params.get('tags'), self.params.get('project')))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        for option in ('repositories', 'tags'):
            if not self.params[option] or not self.params[option].strip():
                raise ModuleFailure('%s must be a non-empty pattern such as ** or release-*' % option)

    def _key(self, rule):
        return (rule['repositories'], rule['repositories_decoration'], rule['tags'], rule['tags_decoration'])

    def read(self):
        project = self.params['project']
        wanted = self._key(self.params)
        for raw in self.list_in_project('/immutabletagrules') or []:
            current = _read_selectors(raw)
            current.pop('untagged')
            if self._key(current) == wanted:
                current.update(id=raw.get('id'), project=project, disabled=bool(raw.get('disabled')))
                return current
        return None

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'project': self.params['project'], 'repositories': self.params['repositories'],
            'repositories_decoration': self.params['repositories_decoration'], 'tags': self.params['tags'],
            'tags_decoration': self.params['tags_decoration']}
        base['disabled'] = self.params['disabled']
        return base

    def _body(self, desired):
        tag_selectors, scope_selectors = _selectors(desired['repositories'], desired['repositories_decoration'],
                                                    desired['tags'], desired['tags_decoration'])
        return {'disabled': desired['disabled'], 'action': 'immutable', 'template': 'immutable_template',
                'priority': 0, 'tag_selectors': tag_selectors, 'scope_selectors': scope_selectors}

    def create(self, desired):
        self.client.post(project_path(self.params['project'], '/immutabletagrules'), self._body(desired),
                         headers=BY_NAME)

    def update(self, current, desired):
        body = self._body(desired)
        body['id'] = current['id']
        self.client.put(project_path(self.params['project'], '/immutabletagrules/%s' % current['id']), body,
                        headers=BY_NAME)

    def delete(self, current):
        self.client.delete(project_path(self.params['project'], '/immutabletagrules/%s' % current['id']),
                           headers=BY_NAME)


# -- system configuration -------------------------------------------------------------------------
CONFIG_TYPES = {
    'bool': ('primary_auth_mode', 'ldap_group_attach_parallel', 'ldap_verify_cert', 'http_authproxy_verify_cert',
             'http_authproxy_skip_search', 'notification_enable', 'oidc_auto_onboard', 'oidc_logout',
             'oidc_verify_cert', 'quota_per_project_enable', 'read_only', 'scanner_skip_update_pulltime',
             'self_registration', 'skip_audit_log_database', 'uaa_verify_cert'),
    'int': ('ldap_group_search_scope', 'ldap_scope', 'ldap_timeout', 'robot_token_duration', 'session_timeout',
            'storage_per_project', 'token_expiration'),
    'str': ('audit_log_forward_endpoint', 'auth_mode', 'banner_message', 'disabled_audit_log_event_types',
            'http_authproxy_admin_groups', 'http_authproxy_admin_usernames', 'http_authproxy_endpoint',
            'http_authproxy_server_certificate', 'http_authproxy_tokenreview_endpoint', 'ldap_base_dn',
            'ldap_filter', 'ldap_group_admin_dn', 'ldap_group_attribute_name', 'ldap_group_base_dn',
            'ldap_group_membership_attribute', 'ldap_group_search_filter', 'ldap_search_dn', 'ldap_uid',
            'ldap_url', 'oidc_admin_group', 'oidc_client_id', 'oidc_endpoint', 'oidc_extra_redirect_parms',
            'oidc_group_filter', 'oidc_groups_claim', 'oidc_name', 'oidc_scope', 'oidc_user_claim',
            'project_creation_restriction', 'robot_name_prefix', 'uaa_client_id', 'uaa_endpoint'),
}
CONFIG_SECRETS = ('ldap_search_password', 'oidc_client_secret', 'uaa_client_secret')
CONFIG_KIND = dict((key, kind) for kind, keys in CONFIG_TYPES.items() for key in keys)
CONFIG_CHOICES = {
    'auth_mode': ('db_auth', 'ldap_auth', 'uaa_auth', 'http_auth', 'oidc_auth'),
    'project_creation_restriction': ('everyone', 'adminonly'),
}


def _config_value(key, value):
    kind = CONFIG_KIND.get(key)
    field = 'config.%s' % key
    if kind == 'bool':
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ('true', 'yes', 'on', '1'):
            return True
        if text in ('false', 'no', 'off', '0'):
            return False
        raise ModuleFailure('%s must be a boolean, got %r' % (field, value))
    if kind == 'int':
        if isinstance(value, bool):
            raise ModuleFailure('%s must be a whole number, got %r' % (field, value))
        try:
            return int(str(value).strip())
        except ValueError:
            raise ModuleFailure('%s must be a whole number, got %r' % (field, value))
    if isinstance(value, (dict, list)) or value is None:
        raise ModuleFailure('%s must be a string, got %r' % (field, value))
    value = str(value)
    choices = CONFIG_CHOICES.get(key)
    if choices and value not in choices:
        raise ModuleFailure('%s must be one of %s, got %r' % (field, ', '.join(choices), value))
    return value


class Configuration(HarborResource):
    result_key = 'config'
    kind = 'Harbor system configuration'
    module_options = dict(
        config=dict(type='dict', default={}, aliases=['settings']),
        secrets=dict(type='dict', no_log=True),
        update_secret=dict(type='str', choices=['on_change', 'always'], default='on_change'),
    )
    module_kwargs = dict(HarborOperation.module_kwargs, required_one_of=[('config', 'secrets')])

    def describe(self):
        return self.kind

    def validate(self):
        wanted, secrets = {}, {}
        for key, value in (self.params.get('secrets') or {}).items():
            if key not in CONFIG_SECRETS:
                raise ModuleFailure('secrets: %r is not one of Harbor\'s write-only settings (%s); give other '
                                    'settings in config' % (key, ', '.join(CONFIG_SECRETS)))
            if not isinstance(value, str) or not value:
                raise ModuleFailure('secrets.%s must be a non-empty string' % key)
            secrets[key] = value
        for key, value in (self.params.get('config') or {}).items():
            if key in CONFIG_SECRETS:
                raise ModuleFailure('config.%s is a secret: give it in the secrets option instead, which Ansible '
                                    'keeps out of its output and logs' % key)
            if key in CONFIG_KIND:
                wanted[key] = _config_value(key, value)
            else:
                raise ModuleFailure('config: %r is not a Harbor configuration key (checked against the Harbor v2.15 '
                                    'API description); known keys: %s'
                                    % (key, ', '.join(sorted(list(CONFIG_KIND) + list(CONFIG_SECRETS)))))
        self.wanted, self.secrets = wanted, secrets

    def read(self):
        raw = self.client.get('/configurations') or {}
        self.editable = dict((k, (v or {}).get('editable', True)) for k, v in raw.items() if isinstance(v, dict))
        return dict((k, v.get('value')) for k, v in raw.items()
                    if isinstance(v, dict) and k not in CONFIG_SECRETS)

    def validate_against(self, current):
        for key, value in sorted(self.wanted.items()):
            if current.get(key) != value and self.editable.get(key) is False:
                raise ModuleFailure('config.%s cannot be changed: Harbor reports it as not editable (auth_mode, for '
                                    'one, is locked once users other than admin exist)' % key)

    def desired(self, current):
        base = dict(current)
        base.update(self.wanted)
        if self.secrets and self.params['update_secret'] == 'always':
            base['_secrets'] = sorted(self.secrets)
        return base

    def update(self, current, desired):
        body = dict((k, v) for k, v in self.wanted.items() if current.get(k) != v)
        body.update(self.secrets)  # write-only: sent with every write (on_change) or on every run (always)
        if not body:
            return
        self.client.put('/configurations', body)

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_') and k not in CONFIG_SECRETS)


# -- schedules ------------------------------------------------------------------------------------
SCHEDULE_JOBS = {'gc': '/system/gc/schedule', 'scan_all': '/system/scanAll/schedule',
                 'purge_audit': '/system/purgeaudit/schedule'}
PRESETS = {'hourly': ('Hourly', '0 0 * * * *'), 'daily': ('Daily', '0 0 0 * * *'),
           'weekly': ('Weekly', '0 0 0 * * 0')}
PURGE_EVENT_TYPES = ('create_artifact', 'delete_artifact', 'pull_artifact')


class Schedule(HarborResource):
    result_key = 'schedule'
    kind = 'Harbor schedule'
    module_options = dict(
        job=dict(type='str', required=True, choices=list(SCHEDULE_JOBS)),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        cron=dict(type='str'),
        delete_untagged=dict(type='bool'),
        workers=dict(type='int'),
        retention_hours=dict(type='int', aliases=['audit_retention_hour']),
        include_event_types=dict(type='list', elements='str'),
    )
    module_kwargs = dict(HarborOperation.module_kwargs, required_if=[('state', 'present', ('cron',))])

    def describe(self):
        return "%s of job '%s'" % (self.kind, self.params.get('job'))

    def validate(self):
        job = self.params['job']
        cron = self.params.get('cron')
        if cron is not None:
            preset = PRESETS.get(cron.strip().lower().lstrip('@'))
            self.params['cron'] = preset[1] if preset else check_cron(cron)
        misplaced = [o for o in ('delete_untagged', 'workers') if self.params.get(o) is not None and job != 'gc'] + \
            [o for o in ('retention_hours', 'include_event_types')
             if self.params.get(o) is not None and job != 'purge_audit']
        if misplaced:
            raise ModuleFailure('%s only appl%s to job=%s' % (misplaced[0], 'ies', 'gc' if misplaced[0] in (
                'delete_untagged', 'workers') else 'purge_audit'))
        workers = self.params.get('workers')
        if workers is not None and not 1 <= workers <= 10:
            raise ModuleFailure('workers must be between 1 and 10 (Harbor 2.13 or later; older Harbor allows up '
                                'to 5), got %s' % workers)
        hours = self.params.get('retention_hours')
        if hours is not None and hours <= 0:
            raise ModuleFailure('retention_hours must be a positive number of hours, got %s' % hours)
        events = self.params.get('include_event_types')
        if events is not None:
            events = sorted(set(e.strip().lower() for e in events))
            bad = [e for e in events if e not in PURGE_EVENT_TYPES and not e.startswith(('create_', 'delete_',
                                                                                        'update_', 'pull_'))]
            if bad:
                raise ModuleFailure('include_event_types: %r is not an audit log event type such as %s'
                                    % (bad[0], ', '.join(PURGE_EVENT_TYPES)))
            self.params['include_event_types'] = events

    def read(self):
        raw = self.client.get(SCHEDULE_JOBS[self.params['job']]) or {}
        schedule = raw.get('schedule') or {}
        kind = schedule.get('type')
        if not kind or kind == 'None':
            return None
        params = raw.get('parameters')
        if params is None:
            # GC and purge answer an execution history record whose job_parameters is a JSON string
            try:
                params = json.loads(raw.get('job_parameters') or '{}')
            except ValueError:
                params = {}
        params = params if isinstance(params, dict) else {}
        current = {'job': self.params['job'], 'type': kind, 'cron': ' '.join((schedule.get('cron') or '').split()),
                   'next_scheduled_time': schedule.get('next_scheduled_time')}
        if self.params['job'] == 'gc':
            current['delete_untagged'] = bool(params.get('delete_untagged'))
            current['workers'] = int(params['workers']) if params.get('workers') is not None else 1
        elif self.params['job'] == 'purge_audit':
            current['retention_hours'] = int(params['audit_retention_hour']) \
                if params.get('audit_retention_hour') is not None else None
            events = params.get('include_event_types') or ''
            current['include_event_types'] = sorted(e for e in str(events).split(',') if e)
        return current

    def desired(self, current):
        base = dict(current) if current else {'job': self.params['job'], 'next_scheduled_time': None}
        if not current and self.params['job'] == 'gc':
            base.update(delete_untagged=False, workers=1)
        if not current and self.params['job'] == 'purge_audit':
            base.update(retention_hours=168, include_event_types=list(PURGE_EVENT_TYPES))
        base['cron'] = self.params['cron']
        base['type'] = next((t for t, c in PRESETS.values() if c == base['cron']), 'Custom')
        for option in ('delete_untagged', 'workers', 'retention_hours', 'include_event_types'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        return base

    def _body(self, desired):
        body = {'schedule': {'type': desired['type'], 'cron': desired['cron']}}
        if self.params['job'] == 'gc':
            body['parameters'] = {'delete_untagged': desired['delete_untagged'], 'workers': desired['workers']}
        elif self.params['job'] == 'purge_audit':
            body['parameters'] = {'audit_retention_hour': desired['retention_hours'],
                                  'include_event_types': ','.join(desired['include_event_types']),
                                  'dry_run': False}
        return body

    def create(self, desired):
        self.client.post(SCHEDULE_JOBS[self.params['job']], self._body(desired))

    def update(self, current, desired):
        self.client.put(SCHEDULE_JOBS[self.params['job']], self._body(desired))

    def delete(self, current):
        self.client.put(SCHEDULE_JOBS[self.params['job']], {'schedule': {'type': 'None'}})
