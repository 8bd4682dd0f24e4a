# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus scheduled tasks (/v1/tasks): the logic of nexus_task.

Facts (Nexus 3.94's API description; nexus-public's TasksResource and its Tasks UI, useTasksApi.ts, which
uses the same REST calls): Nexus generates task ids, so a task is found by name in GET /v1/tasks (a page:
{items}); GET /v1/tasks/{id} has its whole configuration. POST /v1/tasks (TaskTemplateXO: type, name,
enabled, notificationCondition, frequency, properties) creates, 201. PUT /v1/tasks/{id} updates everything
but the type and MERGES properties into the stored ones (a property cannot be removed). POST
/v1/tasks/{id}/run runs it now (405 when the task is disabled). The type must be one of GET
/v1/tasks/templates. The frequency (FrequencyXO): schedule manual, once, hourly, daily, weekly
(recurringDays 1-7, 1 = Sunday), monthly (recurringDays 1-31, 999 = the last day), or cron (a Quartz
cronExpression); startDate (milliseconds since the epoch, as Nexus's UI sends it, with timeZoneOffset) for
every schedule but manual and cron. Task answers give startDate as an ISO 8601 date-time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import re

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name

API = '/v1/tasks'
NEEDS_START = ('once', 'hourly', 'daily', 'weekly', 'monthly')
CRON_FIELD = re.compile(r'^[0-9A-Za-z*?,/#\-]+$')
UTC = datetime.timezone.utc


def parse_start(value, field='schedule.start'):
    """An ISO 8601 date-time with its UTC offset -> an aware datetime."""
    text = value.strip()
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ModuleFailure('%s must be an ISO 8601 date and time with its UTC offset, for example '
                            '2026-01-31T02:00:00+00:00 or 2026-01-31T02:00:00Z, got %r' % (field, value))
    return parsed


def utc_text(moment):
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def offset_text(moment):
    minutes = int(moment.utcoffset().total_seconds() // 60)
    return '%s%02d:%02d' % ('-' if minutes < 0 else '+', abs(minutes) // 60, abs(minutes) % 60)


def check_cron(expression):
    fields = expression.split()
    if len(fields) not in (6, 7) or not all(CRON_FIELD.match(f) for f in fields):
        raise ModuleFailure('schedule.cron must be a Quartz cron expression of 6 or 7 fields (seconds minutes hours '
                            'day-of-month month day-of-week [year]), for example "0 0 2 ? * SUN", got %r'
                            % expression)
    if (fields[3] == '?') == (fields[5] == '?'):
        raise ModuleFailure('schedule.cron %r: exactly one of day-of-month (4th field) and day-of-week (6th '
                            'field) must be "?", as Quartz requires' % expression)


def check_days(kind, days):
    if kind not in ('weekly', 'monthly'):
        if days:
            raise ModuleFailure('schedule.days only applies to the weekly and monthly schedules')
        return
    allowed = set(range(1, 8)) if kind == 'weekly' else set(range(1, 32)) | {999}
    if not days:
        raise ModuleFailure('schedule.days is required for the %s schedule: %s' % (kind, (
            'days of the week, 1 (Sunday) to 7 (Saturday)' if kind == 'weekly'
            else 'days of the month, 1 to 31, or 999 for the last day')))
    wrong = [d for d in days if d not in allowed]
    if wrong:
        raise ModuleFailure('schedule.days %s: not valid for the %s schedule (%s)' % (
            wrong, kind, '1 = Sunday ... 7 = Saturday' if kind == 'weekly' else '1-31, 999 = the last day'))


def check_schedule(schedule):
    """Validate the schedule option; return the start as an aware datetime (or None)."""
    kind = schedule['type']
    start = parse_start(schedule['start']) if schedule.get('start') else None
    if kind in NEEDS_START and start is None:
        raise ModuleFailure('schedule.start is required for the %s schedule, for example 2026-01-31T02:00:00+00:00'
                            % kind)
    if kind == 'manual' and start is not None:
        raise ModuleFailure('schedule.start does not apply to the manual schedule')
    check_days(kind, schedule.get('days'))
    if kind == 'cron':
        if not schedule.get('cron'):
            raise ModuleFailure('schedule.cron is required for the cron schedule, for example "0 0 2 ? * SUN"')
        check_cron(schedule['cron'])
    elif schedule.get('cron'):
        raise ModuleFailure('schedule.cron only applies to the cron schedule (schedule.type=cron)')
    return start


def schedule_view(raw):
    start = raw.get('startDate')
    return {'type': raw.get('schedule') or 'manual',
            'start': utc_text(parse_start(start, 'startDate')) if start else None,
            'days': sorted(raw.get('recurringDays') or []) or None, 'cron': raw.get('cronExpression') or None}


def task_view(raw):
    return {'id': raw.get('id'), 'name': raw.get('name'), 'type': raw.get('type'), 'enabled': raw.get('enabled'),
            'alert_email': raw.get('alertEmail') or None,
            'notification_condition': (raw.get('notificationCondition') or 'FAILURE').lower(),
            'properties': dict(raw.get('properties') or {}), 'schedule': schedule_view(raw)}


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '%s' % (value,)


class Task(NexusOperation, Resource):
    result_key = 'task'
    kind = 'Nexus task'
    module_options = dict(  # generated from plugins/modules/nexus_task.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        type=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        enabled=dict(type='bool'),
        alert_email=dict(type='str'),
        notification_condition=dict(type='str', choices=['failure', 'success_failure']),
        properties=dict(type='dict'),
        schedule=dict(type='dict', options=dict(
            type=dict(type='str', required=True,
                      choices=['manual', 'once', 'hourly', 'daily', 'weekly', 'monthly', 'cron']),
            start=dict(type='str'),
            days=dict(type='list', elements='int'),
            cron=dict(type='str'),
        )),
        run_now=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def validate(self):
        p = self.params
        require_name(p)
        if p['state'] == 'absent':
            if p['run_now']:
                raise ModuleFailure('run_now cannot be used with state=absent')
            return
        if p.get('alert_email') is not None and not re.match(r'^[^@\s]+@[^@\s]+$', p['alert_email']):
            raise ModuleFailure('alert_email must be an e-mail address, got %r' % p['alert_email'])
        if p['run_now'] and p.get('enabled') is False:
            raise ModuleFailure('run_now cannot run a disabled task (enabled=false): Nexus refuses it')
        for key, value in (p.get('properties') or {}).items():
            if isinstance(value, (dict, list)) or value is None:
                raise ModuleFailure('properties.%s must be a string, number or boolean (Nexus stores task '
                                    'properties as text), got %r' % (key, value))
        self.start = check_schedule(p['schedule']) if p.get('schedule') else None

    def read(self):
        found = [t for t in (self.client.get(API) or {}).get('items') or [] if t.get('name') == self.params['name']]
        if len(found) > 1:
            raise ModuleFailure('%d Nexus tasks are named %r (ids %s): nexus_task finds a task by its name, so '
                                'rename or delete all but one' % (len(found), self.params['name'],
                                                                  ', '.join(t.get('id') for t in found)))
        if not found:
            return None
        return task_view(self.client.get('%s/%s' % (API, path_quote(found[0]['id']))))

    def validate_against(self, current):
        p = self.params
        if current is None:
            if not p.get('type'):
                raise ModuleFailure('type is required to create %s, for example blobstore.compact' % self.describe())
            types = sorted(t.get('type') for t in self.client.get(API + '/templates') or [])
            if p['type'] not in types:
                raise ModuleFailure('type %r is not a task type this Nexus offers; it offers: %s'
                                    % (p['type'], ', '.join(types)))
        elif p.get('type') and p['type'] != current['type']:
            raise ModuleFailure("%s is a %s task: Nexus cannot change a task's type (asked %s). Delete it first, or "
                                "choose another name." % (self.describe(), current['type'], p['type']))

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'id': None, 'name': p['name'], 'type': p['type'], 'enabled': True, 'alert_email': None,
            'notification_condition': 'failure', 'properties': {},
            'schedule': {'type': 'manual', 'start': None, 'days': None, 'cron': None}}
        for option in ('enabled', 'alert_email', 'notification_condition'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('properties') is not None:
            view['properties'] = dict(view['properties'], **dict((k, _text(v)) for k, v in p['properties'].items()))
        if p.get('schedule') is not None:
            s = p['schedule']
            view['schedule'] = {'type': s['type'], 'start': utc_text(self.start) if self.start else None,
                                'days': sorted(set(s['days'])) if s.get('days') else None, 'cron': s.get('cron')}
        return view

    def _frequency(self, schedule):
        frequency = {'schedule': schedule['type']}
        start = self.start if self.params.get('schedule') else (
            parse_start(schedule['start']) if schedule['start'] else None)
        if start is not None:
            frequency.update(startDate=int(start.timestamp() * 1000), timeZoneOffset=offset_text(start))
        if schedule['days']:
            frequency['recurringDays'] = list(schedule['days'])
        if schedule['cron']:
            frequency['cronExpression'] = schedule['cron']
        return frequency

    def _body(self, view):
        body = {'name': view['name'], 'enabled': view['enabled'],
                'notificationCondition': view['notification_condition'].upper(),
                'frequency': self._frequency(view['schedule']), 'properties': dict(view['properties'])}
        if view['alert_email']:
            body['alertEmail'] = view['alert_email']
        return body

    def create(self, desired):
        self.client.post(API, dict(self._body(desired), type=desired['type']))

    def update(self, current, desired):
        self.client.put('%s/%s' % (API, path_quote(current['id'])), self._body(desired))

    def delete(self, current):
        self.client.delete('%s/%s' % (API, path_quote(current['id'])))

    def run(self):
        result = super(Task, self).run()
        if self.params['run_now']:
            # Running is an action, not a state: every run_now run reports a change (check mode predicts it).
            result['changed'] = True
            result['ran'] = True
            if not self.check_mode:
                self._write('run', self._run_now, result['task'])
        return result

    def _run_now(self, task):
        self.client.post('%s/%s/run' % (API, path_quote(task['id'])))
