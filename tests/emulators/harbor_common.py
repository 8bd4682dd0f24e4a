# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""What the Harbor emulator's mixins share (tests/emulators/harbor.py and harbor_*.py). Test support, not
shipped."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlsplit

from .framework import HttpError

HARBOR_VERSION = 'v2.15.2-080b0220'
NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def _bad(message):
    """BadRequestError(nil).WithMessage(message) or errors.New(nil).WithCode(BadRequestCode): the message alone."""
    return HttpError(400, message)


# Harbor's generic errors with a cause (src/lib/errors/const.go at v2.15.2: NotFoundError, ConflictError,
# BadRequestError, PreconditionFailedError = New("<generic>").WithCode(...).WithCause(err)). The client reads
# "<generic>: <cause>": Error.MarshalJSON marshals e.Error(), which appends the cause (src/lib/errors/errors.go).
def _bad_cause(reason):
    return HttpError(400, 'bad request: %s' % reason)


def _conflict_cause(reason):
    return HttpError(409, 'resource conflict: %s' % reason)


def _not_found_cause(reason):
    return HttpError(404, 'resource not found: %s' % reason)


def _precondition_cause(reason):
    return HttpError(412, 'precondition failed: %s' % reason)


# robfig/cron v3.0.1 (Harbor's go.mod) with the parser of src/common/utils/utils.go CronParser(): six fields,
# Second|Minute|Hour|Dom|Month|Dow, no descriptors. Bounds and names as parser.go/spec.go of v3.0.1.
_CRON_BOUNDS = ((0, 59, None), (0, 59, None), (0, 23, None), (1, 31, None),
                (1, 12, {n: i + 1 for i, n in enumerate(('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug',
                                                         'sep', 'oct', 'nov', 'dec'))}),
                (0, 6, {n: i for i, n in enumerate(('sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'))}))


def _go_atoi(expr):
    """strconv.Atoi: an int, or the Go error text."""
    if re.match(r'^[+-]?\d+$', expr):
        return int(expr), None
    return None, 'strconv.Atoi: parsing %s: invalid syntax' % json.dumps(expr)


def _cron_number(expr, names=None):
    """robfig parseIntOrName/mustParseInt: (value, None) or (None, error text)."""
    if names and expr.lower() in names:
        return names[expr.lower()], None
    num, err = _go_atoi(expr)
    if err:
        return None, 'failed to parse int from %s: %s' % (expr, err)
    if num < 0:
        return None, 'negative number (%d) not allowed: %s' % (num, expr)
    return num, None


def _cron_range_error(expr, low, high, names):  # noqa: C901 - robfig getRange, check by check
    range_and_step = expr.split('/')
    low_and_high = range_and_step[0].split('-')
    if low_and_high[0] in ('*', '?'):
        start, end = low, high
    else:
        start, err = _cron_number(low_and_high[0], names)
        if err:
            return err
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end, err = _cron_number(low_and_high[1], names)
            if err:
                return err
        else:
            return 'too many hyphens: %s' % expr
    step = 1
    if len(range_and_step) == 2:
        step, err = _cron_number(range_and_step[1])
        if err:
            return err
        if len(low_and_high) == 1:
            end = high
    elif len(range_and_step) > 2:
        return 'too many slashes: %s' % expr
    if start < low:
        return 'beginning of range (%d) below minimum (%d): %s' % (start, low, expr)
    if end > high:
        return 'end of range (%d) above maximum (%d): %s' % (end, high, expr)
    if start > end:
        return 'beginning of range (%d) beyond end of range (%d): %s' % (start, end, expr)
    if step == 0:
        return 'step of range should be a positive number: %s' % expr
    return None


def cron_parse_error(expression):
    """The error of utils.CronParser().Parse(expression) (robfig/cron v3.0.1), or None when it parses."""
    expression = expression or ''
    if not expression:
        return 'empty spec string'
    if expression.startswith('@'):
        return 'parser does not accept descriptors: %s' % expression
    fields = expression.split()
    if len(fields) != 6:
        return 'expected exactly 6 fields, found %d: [%s]' % (len(fields), ' '.join(fields))
    for field, (low, high, names) in zip(fields, _CRON_BOUNDS):
        for expr in [part for part in field.split(',') if part]:
            err = _cron_range_error(expr, low, high, names)
            if err:
                return err
    return None


def cron_error(expression):
    """The error of utils.ValidateCronString (src/common/utils/utils.go at v2.15.2), or None: a parsable
    six-field cron whose seconds field (split on single spaces) is exactly "0"."""
    if not expression:
        return 'empty cron string is invalid'
    err = cron_parse_error(expression)
    if err:
        return err
    parts = expression.split(' ')
    if len(parts) == 6 and parts[0] != '0':
        return 'the 1st field (indicating Seconds of time) of the cron setting must be 0'
    return None


def valid_cron(expression):
    """True for a cron Harbor's ValidateCronString accepts (see cron_error)."""
    return cron_error(expression) is None


def http_url(url):
    """lib.ValidateHTTPURL (src/lib/endpoint.go at v2.15.2): (the URL as Harbor stores it, None) or (None, the
    error message). Trimmed of spaces and trailing "/", "http://" added when there is no scheme, only http
    and https; the result is "scheme://host/path" (the query and user info are dropped)."""
    url = (url or '').strip(' ').rstrip('/')
    if not url:
        return None, 'empty string'
    if '://' not in url:
        url = 'http://' + url
    parts = urlsplit(url)
    for char in parts.netloc:  # Go's url.Parse refuses these in a host (net/url parseHost)
        if char in ' <>"{}|\\^`':
            return None, 'invalid URL: parse %s: invalid character %s in host name' % (json.dumps(url), json.dumps(char))
    if parts.scheme not in ('http', 'https'):
        return None, 'invalid HTTP scheme: %s' % parts.scheme
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path), None


def _quota_limit_error(limit):
    """lib.ValidateQuotaLimit (src/lib/quota_storage_limit.go at v2.15.2), or None."""
    if limit <= 0 and limit != -1:
        return 'invalid non-positive value for quota limit, value=%d' % limit
    if limit > 1125899906842624:  # types.MaxLimitedValue, 1024 TB
        return 'exceeded 1024TB, which is 1125899906842624 Bytes, value=%d' % limit
    return None


def valid_secret(secret):
    return (isinstance(secret, str) and 8 <= len(secret) <= 128 and any(c.isupper() for c in secret)
            and any(c.islower() for c in secret) and any(c.isdigit() for c in secret))
