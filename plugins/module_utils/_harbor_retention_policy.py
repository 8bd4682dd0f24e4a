# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor tag retention policies.

Facts the code relies on (Harbor v2.15):
- A project has at most one retention policy; its id is the project's metadata retention_id.
- At most 15 rules; each rule's selectors as for immutable tag rules (_harbor_immutable_rule.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative
from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    HarborResource,
    check_name,
    get_or_none,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_cron import check_cron
from ansible_collections.maestro.platform.plugins.module_utils._harbor_immutable_rule import (
    read_selectors, selectors)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

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
        item.update(read_selectors(rule))
        rules.append(item)
    trigger = raw.get('trigger') or {}
    cron = (trigger.get('settings') or {}).get('cron') or None
    return {'id': raw.get('id'), 'project': project, 'schedule': cron, 'rules': rules,
            '_project_id': (raw.get('scope') or {}).get('ref')}


class RetentionPolicy(Declarative, HarborResource):
    result_key = 'retention_policy'
    kind = 'Harbor tag retention policy'
    module_options = dict(  # generated from plugins/modules/harbor_retention_policy.py DOCUMENTATION, do not edit
        project=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        schedule=dict(type='str'),
        rules=dict(type='list', elements='dict', options=dict(
            retain=dict(type='str', required=True,
                        choices=['latest_pushed', 'latest_pulled', 'pushed_within_days', 'pulled_within_days',
                                 'always']),
            count=dict(type='int', aliases=['days']),
            untagged=dict(type='bool', default=True),
            disabled=dict(type='bool', default=False),
            repositories=dict(type='str', default='**'),
            repositories_decoration=dict(type='str', default='matches', choices=['matches', 'excludes']),
            tags=dict(type='str', default='**'),
            tags_decoration=dict(type='str', default='matches', choices=['matches', 'excludes']),
        )),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    # the object's own read/desired/body; create (POST), update (PUT with the id), delete and public: the engine's
    collection = '/retentions'
    put_id = True

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

    def body(self, desired, secrets=False, update=False):
        rules = []
        for priority, rule in enumerate(desired['rules']):
            template = RETENTION_TEMPLATES[rule['retain']]
            tag_selectors, scope_selectors = selectors(rule['repositories'], rule['repositories_decoration'],
                                                       rule['tags'], rule['tags_decoration'], rule['untagged'])
            rules.append({'priority': priority, 'disabled': rule['disabled'], 'action': 'retain',
                          'template': template,
                          'params': {} if template == 'always' else {template: rule['count']},
                          'tag_selectors': tag_selectors, 'scope_selectors': scope_selectors})
        return {'algorithm': 'or', 'rules': rules,
                'trigger': {'kind': 'Schedule', 'settings': {'cron': desired['schedule'] or ''}, 'references': {}},
                'scope': {'level': 'project', 'ref': self.project_id}}
