# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor schedules: garbage collection, scan all and audit log purge.

Facts the code relies on (Harbor v2.15):
- Schedules (gc, scanAll, purgeaudit) are created by POST and changed by PUT; type None cancels one.
- GC takes 1 to 10 workers (Harbor >= 2.13, handler/gc.go validateWorkers).
- GC and purge answer an execution history record whose job_parameters is a JSON string.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._harbor import HarborOperation, HarborResource
from ansible_collections.maestro.platform.plugins.module_utils._harbor_cron import check_cron
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

SCHEDULE_JOBS = {'gc': '/system/gc/schedule', 'scan_all': '/system/scanAll/schedule',
                 'purge_audit': '/system/purgeaudit/schedule'}
PRESETS = {'hourly': ('Hourly', '0 0 * * * *'), 'daily': ('Daily', '0 0 0 * * *'),
           'weekly': ('Weekly', '0 0 0 * * 0')}
PURGE_EVENT_TYPES = ('create_artifact', 'delete_artifact', 'pull_artifact')


def _parameters(raw):
    """The job's parameters: GC and purge answer an execution history record whose job_parameters is a JSON
    string."""
    params = raw.get('parameters')
    if params is None:
        try:
            params = json.loads(raw.get('job_parameters') or '{}')
        except ValueError:
            params = {}
    return params if isinstance(params, dict) else {}


class Schedule(HarborResource):
    result_key = 'schedule'
    kind = 'Harbor schedule'
    module_options = dict(  # generated from plugins/modules/harbor_schedule.py DOCUMENTATION, do not edit
        job=dict(type='str', required=True, choices=['gc', 'scan_all', 'purge_audit']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        cron=dict(type='str'),
        delete_untagged=dict(type='bool'),
        workers=dict(type='int'),
        retention_hours=dict(type='int', aliases=['audit_retention_hour']),
        include_event_types=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs, required_if=[('state', 'present', ('cron',))])

    def describe(self):
        return "%s of job '%s'" % (self.kind, self.params.get('job'))

    def validate(self):
        job = self.params['job']
        cron = self.params.get('cron')
        if cron is not None:
            preset = PRESETS.get(cron.strip().lower().lstrip('@'))
            self.params['cron'] = preset[1] if preset else check_cron(cron)
        self._check_misplaced(job)
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

    def _check_misplaced(self, job):
        """The options of one job given for another."""
        misplaced = [o for o in ('delete_untagged', 'workers') if self.params.get(o) is not None and job != 'gc'] + \
            [o for o in ('retention_hours', 'include_event_types')
             if self.params.get(o) is not None and job != 'purge_audit']
        if misplaced:
            raise ModuleFailure('%s only appl%s to job=%s' % (misplaced[0], 'ies', 'gc' if misplaced[0] in (
                'delete_untagged', 'workers') else 'purge_audit'))

    def read(self):
        raw = self.client.get(SCHEDULE_JOBS[self.params['job']]) or {}
        schedule = raw.get('schedule') or {}
        kind = schedule.get('type')
        if not kind or kind == 'None':
            return None
        params = _parameters(raw)
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
        body = {'schedule': {'type': 'None'}}
        if self.params['job'] == 'purge_audit':
            # Harbor refuses a purge schedule request without its parameters, a cancellation too
            # (handler/purge.go verifyUpdateRequest: "schedule parameter cann't be empty"): send the current ones.
            body['parameters'] = self._body(current)['parameters']
        self.client.put(SCHEDULE_JOBS[self.params['job']], body)
