# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""What the Harbor emulator's mixins share (tests/emulators/harbor.py and harbor_*.py). Test support, not
shipped."""

from __future__ import annotations

import datetime
import re

from .framework import HttpError

HARBOR_VERSION = 'v2.15.2-080b0220'
NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')
_CRON_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = {4: ('JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'),
               5: ('SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT')}


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def _bad(message):
    return HttpError(400, message)


def valid_cron(expression):
    """True for a 6-field cron (seconds first) as Harbor's scheduler accepts."""
    fields = (expression or '').split()
    if len(fields) != 6:
        return False
    for index, field in enumerate(fields):
        low, high = _CRON_RANGES[index]
        for part in field.split(','):
            base, sep, step = part.partition('/')
            if step and not step.isdigit():
                return False
            if base in ('*', '?'):
                continue
            for bound in base.split('-'):
                if bound.isdigit():
                    if not low <= int(bound) <= high:
                        return False
                elif bound.upper() not in _CRON_NAMES.get(index, ()):
                    return False
    return True


def valid_secret(secret):
    return (isinstance(secret, str) and 8 <= len(secret) <= 128 and any(c.isupper() for c in secret)
            and any(c.islower() for c in secret) and any(c.isdigit() for c in secret))
