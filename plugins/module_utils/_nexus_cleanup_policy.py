# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus cleanup policies: the logic of nexus_cleanup_policy.

Which API: Nexus Community/OSS serves cleanup policies only under /service/rest/internal/cleanup-policies
(nexus-public's CleanupPolicyResource, "@since 3.29", INTERNAL_API_PREFIX; the one Nexus's own UI uses). The
public /v1/cleanup-policies of newer descriptions is Nexus Pro only (404 on Community), and the 3.94 API
description lists only the internal one. Facts from CleanupPolicyResource: create 200 with the policy (409
for a duplicate name), edit (PUT) 200 with the policy and replaces notes, format and every criterion, delete
204, a missing policy 404; formats are the repository formats plus "*" (all formats); at least one of
last-blob-updated, last-downloaded or asset-regex; a policy in use cannot change its format; the
`repositories` field is refused ("not supported for format ..."), so attaching a policy is a repository
update (nexus_repository's cleanup_policies). Criteria days are whole days.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, str_or_empty
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NAME_PATTERN, NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, require_name

API = '/internal/cleanup-policies'
# option name -> CleanupPolicyXO field
CRITERIA = {'last_blob_updated': 'criteriaLastBlobUpdated', 'last_downloaded': 'criteriaLastDownloaded',
            'release_type': 'criteriaReleaseType', 'asset_regex': 'criteriaAssetRegex', 'retain': 'retain'}
# the criteria of which Nexus needs at least one
PRIMARY = ('last_blob_updated', 'last_downloaded', 'asset_regex')
# the module's spellings of Nexus's format names
FORMAT_ALIASES = {'all': '*', 'maven': 'maven2'}


def api_format(value):
    return FORMAT_ALIASES.get(value, value)


def module_format(value):
    return {'*': 'all', 'maven2': 'maven'}.get(value, value)


def format_option(value):
    """A format as the module spells it, from Nexus's spelling or the task's."""
    return module_format(api_format(value))


def criteria_view(raw):
    criteria = {}
    for option, field in CRITERIA.items():
        if raw.get(field) is not None:
            criteria[option] = raw[field].lower() if option == 'release_type' else raw[field]
    return criteria


def _check_criteria(criteria):
    given = dict((k, v) for k, v in (criteria or {}).items() if v is not None)
    if not any(k in given for k in PRIMARY):
        raise ModuleFailure('criteria must name at least one of last_blob_updated, last_downloaded or asset_regex '
                            '(Nexus requires one), for example criteria: {last_downloaded: 90}')
    for option in ('last_blob_updated', 'last_downloaded', 'retain'):
        if option in given and given[option] < 1:
            raise ModuleFailure('criteria.%s must be a positive number%s, got %s' % (
                option, '' if option == 'retain' else ' of days', given[option]))
    if 'asset_regex' in given:
        try:
            re.compile(given['asset_regex'])
        except re.error as exc:
            raise ModuleFailure('criteria.asset_regex %r is not a valid regular expression: %s'
                                % (given['asset_regex'], exc))
    return given


class CleanupPolicy(NexusOperation, Declarative):
    result_key = 'cleanup_policy'
    kind = 'Nexus cleanup policy'
    complete_desired = True  # criteria given replace every criterion: a dropped one must count as a change
    module_options = dict(  # generated from plugins/modules/nexus_cleanup_policy.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        format=dict(type='str'),
        notes=dict(type='str'),
        criteria=dict(type='dict', options=dict(
            last_blob_updated=dict(type='int'),
            last_downloaded=dict(type='int'),
            release_type=dict(type='str', choices=['releases', 'prereleases']),
            asset_regex=dict(type='str'),
            retain=dict(type='int'),
        )),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = API
    read_by = 'item'
    item_key = 'name'
    listed = True  # CleanupPolicyResource.get: fromCleanupPolicy(policy, in-use count), as getByName
    fields = (
        Field('name'),
        Field('format', normalize=format_option, to_wire=api_format, required=True),
        Field('notes', normalize=str_or_empty, default=''),
        Field('criteria', default={}, required=True),  # read by criteria_view, sent flat by body
        Field('in_use_count', wire='inUseCount', normalize=lambda count: count or 0, default=0, server=True),
    )

    def validate(self):
        p = self.params
        name = require_name(p)
        if not NAME_PATTERN.match(name) or len(name) > 255:
            raise ModuleFailure('name %r is not a valid cleanup policy name: up to 255 letters, digits, -, _ and . '
                                '(not starting with _ or .)' % name)
        if p['state'] == 'absent':
            return
        if p.get('format') is not None and not re.match(r'^(\*|[a-z0-9]+)$', p['format']):
            raise ModuleFailure('format %r is not a Nexus format: use a repository format such as maven, npm, '
                                'pypi or docker, or "all"' % p['format'])
        self.criteria = _check_criteria(p['criteria']) if p.get('criteria') is not None else None

    def view(self, raw):
        return dict(super(CleanupPolicy, self).view(raw), criteria=criteria_view(raw))

    def desired(self, current):
        base = super(CleanupPolicy, self).desired(current)
        if self.criteria is not None:
            base['criteria'] = dict(self.criteria)
        return base

    def body(self, desired, secrets=False, update=False):
        body = super(CleanupPolicy, self).body(dict(desired, criteria=None))
        for option, value in desired['criteria'].items():
            body[CRITERIA[option]] = value.upper() if option == 'release_type' else value
        return body
