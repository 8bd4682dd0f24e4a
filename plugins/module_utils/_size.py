# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the size parser of maestro.platform. Not a public API; it may change at any time.
"""One way to write a size in every module (harbor_project storage_quota, minio_bucket quota,
nexus_blobstore soft_quota.limit): Kubernetes' quantity suffixes.

- a number of bytes: an integer (53687091200) or a string of digits;
- a number (decimals allowed) with a unit: k, M, G, T, P, E are powers of 1000 (50G = 50 * 10^9 bytes),
  Ki, Mi, Gi, Ti, Pi, Ei powers of 1024 (50Gi = 50 * 2^30 bytes), as in Kubernetes resource quantities.
  A trailing B is allowed and changes nothing (GB = G, GiB = Gi); letters are read case-insensitively
  (Kubernetes' "m" means milli, which no byte count needs: here m = M).
- the result must be a whole number of bytes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import Decimal

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

_PREFIXES = 'kmgtpe'
_SIZE = re.compile(r'^\s*(-?(?:\d+(?:\.\d+)?|\.\d+))\s*(?:([kmgtpe])(i?))?b?\s*$', re.IGNORECASE)

SIZE_HELP = ('a number of bytes (53687091200) or a number with a unit: k, M, G, T, P, E are powers of 1000 '
             '(50G = 50 * 10^9 bytes), Ki, Mi, Gi, Ti, Pi, Ei powers of 1024 (50Gi = 50 * 2^30 bytes)')


def _unit(prefix, binary):
    power = _PREFIXES.index(prefix.lower()) + 1
    return (1024 if binary else 1000) ** power


def parse_size(value, field, unlimited=False, zero=None):
    """Bytes from ``value``; ModuleFailure naming ``field`` otherwise.

    unlimited: accept -1 (returned as -1), for APIs where it means "no limit".
    zero: what 0 means for this field (e.g. "removes the quota"); None refuses 0.
    """
    extra = ''
    if unlimited:
        extra += ', or -1 for no limit'
    if zero:
        extra += ', or 0 (%s)' % zero
    number = _bytes(value)
    if isinstance(number, int):
        if number == -1 and unlimited:
            return -1
        if number == 0 and zero:
            return 0
        if number > 0:
            return number
        problem = '%r must be positive' if number in (0, -1) else '%r must not be negative'
    else:
        problem = number
    raise ModuleFailure('%s: %s; give %s%s' % (field, problem % (value,), SIZE_HELP, extra))


def _bytes(value):
    """The number of bytes ``value`` means (an int), or what is wrong with it (a str with one %r)."""
    if isinstance(value, bool) or value is None:
        return '%r is not a size'
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else '%r is not a whole number of bytes'
    match = _SIZE.match(str(value))
    if not match:
        return 'cannot read %r as a size'
    amount = Decimal(match.group(1))
    if match.group(2):
        amount = amount * _unit(match.group(2), bool(match.group(3)))
    if amount != amount.to_integral_value():
        return '%r is not a whole number of bytes'
    return int(amount)
