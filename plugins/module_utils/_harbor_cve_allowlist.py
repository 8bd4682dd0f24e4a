# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor's system CVE allowlist, through the REST API v2.0 (Harbor v2.15.2).

Facts the code relies on (src/server/v2.0/handler/sys_cve_allowlist.go, src/pkg/allowlist/manager.go,
validator.go and models/cve_allowlist.go, tag v2.15.2):
- There is always exactly one system allowlist: GET /system/CVEAllowlist (any signed-in user) answers
  {id, project_id: 0, items: [{cve_id}], expires_at?}; an empty one when none was ever set.
- PUT /system/CVEAllowlist {items, expires_at} (system admin) replaces the whole list and its expiry (an
  absent expires_at means "never expires"). Harbor refuses an empty CVE id and duplicates (validator.go).
- Project allowlists live on the project (maestro.platform.harbor_project cve_allowlist); a project with
  reuse_sys_cve_allowlist uses this system list instead of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, or_none
from ansible_collections.maestro.platform.plugins.module_utils._harbor import HarborResource
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

PATH = '/system/CVEAllowlist'
# Trivy reports CVE ids and GitHub advisory ids; Harbor matches them exactly as the scanner writes them.
CVE_RULE = re.compile(r'^CVE-\d{4}-\d{4,}$', re.IGNORECASE)
GHSA_RULE = re.compile(r'^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$', re.IGNORECASE)


def canonical_id(value):
    """A vulnerability id as scanners write it: CVE-2024-1234 upper case, GHSA-xxxx-xxxx-xxxx lower case
    after the prefix; None when it is neither."""
    value = value.strip()
    if CVE_RULE.match(value):
        return value.upper()
    if GHSA_RULE.match(value):
        return 'GHSA' + value[4:].lower()
    return None


def check_ids(values, field='cves'):
    """The ids in canonical form, sorted; a malformed id or a duplicate fails naming it."""
    seen = set()
    for value in values:
        canonical = canonical_id(value) if isinstance(value, str) else None
        if canonical is None:
            raise ModuleFailure('%s: %r is not a vulnerability id Harbor can match: use CVE-YYYY-NNNN (e.g. '
                                'CVE-2024-3094) or GHSA-xxxx-xxxx-xxxx' % (field, value))
        if canonical in seen:
            raise ModuleFailure('%s: %s is listed twice; Harbor refuses duplicates in an allowlist, list it '
                                'once' % (field, canonical))
        seen.add(canonical)
    return sorted(seen)


def cve_ids(items):
    """The sorted ids of the server's items ({cve_id}) or of the cves option (ids)."""
    ids = (i.get('cve_id') if isinstance(i, dict) else i for i in items or [])
    return sorted(i for i in ids if i)


def cve_items(ids):
    return [{'cve_id': c} for c in ids]


class CveAllowlist(Declarative, HarborResource):
    result_key = 'cve_allowlist'
    kind = 'Harbor system CVE allowlist'
    strict_strings = ()
    complete_desired = True  # expires_at None (never expires) is a value, not "unmanaged"
    module_options = dict(  # generated from plugins/modules/harbor_cve_allowlist.py DOCUMENTATION, do not edit
        cves=dict(type='list', elements='str', aliases=['items']),
        expires_at=dict(type='int'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = PATH
    singleton = True
    fields = (
        Field('cves', wire='items', normalize=cve_ids, to_wire=cve_items),
        Field('expires_at', normalize=or_none),  # 0 (never expires) is None, the server's "no expiry"
    )

    def describe(self):
        return 'the %s' % self.kind

    def validate(self):
        p = self.params
        if p['state'] == 'absent':
            # The system allowlist always exists: absent is the empty list that never expires.
            if p.get('cves') or p.get('expires_at'):
                raise ModuleFailure('state=absent empties the allowlist: leave cves and expires_at out')
            p.update(cves=[], expires_at=0, state='present')
        if p.get('cves') is None:
            raise ModuleFailure('cves is required with state=present: the list of CVE ids the allowlist holds '
                                '(the whole list; [] for none)')
        if p.get('cves') is not None:
            p['cves'] = check_ids(p['cves'])
        if p.get('expires_at') is not None and p['expires_at'] < 0:
            raise ModuleFailure('expires_at must be seconds since the epoch (e.g. 1798761600 for 2027-01-01), '
                                'or 0 for "never expires", got %s' % p['expires_at'])

    def desired(self, current):
        base = super(CveAllowlist, self).desired(current)
        if self.params.get('expires_at') == 0:
            base['expires_at'] = None  # a value here, not "unmanaged"
        return base
