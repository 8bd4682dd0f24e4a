# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor's cron expressions (harbor_schedule, harbor_replication_policy, harbor_retention_policy), checked
before any request: six fields, seconds first, parsed by robfig/cron v3 on the server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

CRON_FIELDS = (('second', 0, 59), ('minute', 0, 59), ('hour', 0, 23), ('day of month', 1, 31),
               ('month', 1, 12), ('day of week', 0, 6))  # Harbor's robfig/cron v3: no 7 for Sunday
CRON_NAMES = {
    'month': dict((m, i + 1) for i, m in enumerate(
        ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'])),
    'day of week': dict((d, i) for i, d in enumerate(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])),
}


def check_cron(value, field='cron', every_minute=True):
    """Harbor's cron: six fields, seconds first and "0"; every_minute=False refuses "*" minutes (replication)."""
    if not isinstance(value, str) or not value.strip():
        raise ModuleFailure('%s must be a cron expression with six fields, got %r' % (field, value))
    parts = value.split()
    if len(parts) != 6:
        raise ModuleFailure('%s %r is not a valid Harbor cron expression: Harbor uses six fields with seconds '
                            'first ("second minute hour day-of-month month day-of-week"), for example '
                            '"0 0 2 * * *" for 02:00 every day' % (field, value))
    for part, (name, low, high) in zip(parts, CRON_FIELDS):
        for item in part.split(','):
            _check_cron_item('%s %r' % (field, value), item, name, low, high)
    if parts[0] != '0' or (not every_minute and parts[1] == '*'):
        raise ModuleFailure('%s %r: Harbor needs 0 in the seconds field%s' % (
            field, value, '' if every_minute else " and refuses '*' in the minutes field of a replication schedule"))
    return ' '.join(parts)


def _check_cron_item(where, item, name, low, high):
    rng, dummy, step = item.partition('/')
    if step and (not step.isdigit() or int(step) == 0):
        raise ModuleFailure('%s: bad step %r in the %s field' % (where, step, name))
    if rng in ('*', '?'):
        if rng == '?' and name not in ('day of month', 'day of week'):
            raise ModuleFailure("%s: '?' is only allowed in the day fields" % where)
        return
    bounds = rng.split('-')
    if len(bounds) > 2 or not all(bounds):
        raise ModuleFailure('%s: cannot read %r in the %s field' % (where, item, name))
    numbers = []
    for bound in bounds:
        number = CRON_NAMES.get(name, {}).get(bound.lower())
        if number is None:
            if not bound.isdigit():
                raise ModuleFailure('%s: %r is not a valid %s' % (where, bound, name))
            number = int(bound)
        if not low <= number <= high:
            raise ModuleFailure('%s: %s is out of range for the %s field (%s-%s)' % (where, bound, name, low, high))
        numbers.append(number)
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        raise ModuleFailure('%s: range %r runs backwards' % (where, rng))
