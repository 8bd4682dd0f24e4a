# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""A Harbor project (harbor_project): its settings, CVE allowlist, storage quota and proxy cache.

Facts the code relies on (Harbor v2.15.2):
- Project metadata values are strings on the wire ("true"/"false"); users see booleans.
- Storage quota lives in /quotas/{id} (PUT {"hard": {"storage": N}}), not in PUT /projects.
- Deleting a project that still holds repositories answers 412.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    HarborResource,
    check_name,
    list_all,
    project_path,
    wire_bool,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_project_info import PROJECT_FLAGS, read_project
from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._size import parse_size

SEVERITIES = ('none', 'low', 'medium', 'high', 'critical')


class Project(HarborResource):
    result_key = 'project'
    kind = 'Harbor project'
    module_options = dict(  # generated from plugins/modules/harbor_project.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True, aliases=['project_name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        public=dict(type='bool'),
        auto_scan=dict(type='bool'),
        severity=dict(type='str', choices=['none', 'low', 'medium', 'high', 'critical']),
        prevent_vulnerable=dict(type='bool', aliases=['prevent_vul']),
        reuse_sys_cve_allowlist=dict(type='bool'),
        content_trust=dict(type='bool'),
        content_trust_cosign=dict(type='bool'),
        auto_sbom_generation=dict(type='bool'),
        cve_allowlist=dict(type='list', elements='str'),
        cve_allowlist_expires_at=dict(type='int'),
        storage_quota=dict(type='raw'),
        proxy_cache=dict(type='dict', options=dict(
            registry=dict(type='str', required=True),
            speed_kb=dict(type='int', default=-1),
        )),
        purge=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def validate(self):
        check_name(self.params['name'], 'name', 'project name')
        self.quota = None
        if self.params.get('storage_quota') is not None:
            self.quota = parse_size(self.params['storage_quota'], 'storage_quota', unlimited=True)
        cves = self.params.get('cve_allowlist')
        if cves is not None:
            bad = [c for c in cves if not re.match(r'^CVE-\d{4}-\d{4,}$', c.strip(), re.IGNORECASE)]
            if bad:
                raise ModuleFailure('cve_allowlist: %s is not a CVE id such as CVE-2023-12345' % bad[0])
            self.params['cve_allowlist'] = sorted(set(c.strip().upper() for c in cves))
        proxy = self.params.get('proxy_cache')
        if proxy is not None and (proxy['speed_kb'] < -1 or proxy['speed_kb'] == 0):
            raise ModuleFailure('proxy_cache.speed_kb must be -1 (no limit) or a positive number of Kbps, '
                                'got %s' % proxy['speed_kb'])

    def read(self):
        # storage_quota left unset is not managed: skip the quota read (one request per project instead of two).
        return read_project(self.client, self.params['name'], with_quota=self.quota is not None)

    def batch_scope(self):
        # The project list answers for projects whose every managed setting it carries: not the quota (a
        # request of its own) nor a proxy cache's registry name.
        if self.quota is not None or self.params.get('proxy_cache') is not None:
            return None
        return 'projects'

    def read_batch(self):
        projects = list_all(self.client, '/projects', limit=READ_AHEAD_LIMIT)
        if projects is None:
            return None
        # Harbor's ListProjects loads each project's metadata, CVE allowlist and owner, as GET by name does
        # (src/server/v2.0/handler/project.go). Entries without them are still left out, so that a list
        # that lacks them never stands for "nothing to change" (such projects are read one by one).
        return dict((raw['name'], read_project(self.client, raw['name'], raw=raw, with_quota=False))
                    for raw in projects
                    if isinstance(raw.get('metadata'), dict) and 'cve_allowlist' in raw and not raw.get('registry_id'))

    def validate_against(self, current):
        proxy = self.params.get('proxy_cache')
        self.registry_id = None
        if proxy is None:
            return
        registry = self.registry_or_predict('proxy_cache.registry', proxy['registry'])
        if registry is None:
            return
        self.registry_id = registry['id']
        if current is not None and (current['proxy_cache'] or {}).get('registry_id') != registry['id']:
            raise ModuleFailure("proxy_cache can only be set when a project is created: %s %s. Remove "
                                "proxy_cache from the task or use a new project name."
                                % (self.describe(), 'is not a proxy cache project' if not current['proxy_cache']
                                   else "caches registry '%s'" % current['proxy_cache']['registry']))

    def desired(self, current):
        base = dict(current) if current else {
            'project_id': None, 'name': self.params['name'], 'owner_name': None, 'repo_count': 0,
            'severity': None, 'cve_allowlist': [], 'cve_allowlist_expires_at': None, 'storage_quota': -1,
            'proxy_cache': None, 'creation_time': None, '_quota_id': None}
        if not current:
            for option, dummy in PROJECT_FLAGS:
                base[option] = False
        for option, dummy in PROJECT_FLAGS:
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        for option in ('severity', 'cve_allowlist', 'cve_allowlist_expires_at'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.quota is not None:
            base['storage_quota'] = self.quota
        proxy = self.params.get('proxy_cache')
        if proxy is not None:
            base['proxy_cache'] = {'registry': proxy['registry'], 'registry_id': self.registry_id,
                                   'speed_kb': proxy['speed_kb']}
        return base

    def _metadata(self, desired, current=None):
        meta = {}
        for option, key in PROJECT_FLAGS:
            if current is None or desired[option] != current[option]:
                if current is not None or desired[option] or option == 'public':
                    meta[key] = wire_bool(desired[option])
        if desired['severity'] and (current is None or desired['severity'] != current['severity']):
            meta['severity'] = desired['severity']
        proxy = desired['proxy_cache']
        if proxy and (current is None or proxy['speed_kb'] != (current['proxy_cache'] or {}).get('speed_kb')):
            meta['proxy_speed_kb'] = str(proxy['speed_kb'])
        return meta

    def _allowlist(self, desired):
        body = {'items': [{'cve_id': c} for c in desired['cve_allowlist']]}
        if desired['cve_allowlist_expires_at']:
            body['expires_at'] = desired['cve_allowlist_expires_at']
        return body

    def create(self, desired):
        body = {'project_name': desired['name'], 'metadata': self._metadata(desired)}
        if desired['cve_allowlist'] or desired['cve_allowlist_expires_at']:
            body['cve_allowlist'] = self._allowlist(desired)
        if self.quota is not None:
            body['storage_limit'] = self.quota
        if desired['proxy_cache']:
            body['registry_id'] = desired['proxy_cache']['registry_id']
        self.client.post('/projects', body)

    def update(self, current, desired):
        body = {}
        meta = self._metadata(desired, current)
        if meta:
            body['metadata'] = meta
        if (desired['cve_allowlist'] != current['cve_allowlist']
                or desired['cve_allowlist_expires_at'] != current['cve_allowlist_expires_at']):
            body['cve_allowlist'] = self._allowlist(desired)
        if body:
            self.client.put(project_path(current['name']), body, headers=BY_NAME)
        if desired['storage_quota'] != current['storage_quota']:
            if current['_quota_id'] is None:
                raise ModuleFailure('Cannot set storage_quota of %s: Harbor has no quota for it (is the '
                                    'quota feature disabled?)' % self.describe())
            self.client.put('/quotas/%s' % current['_quota_id'], {'hard': {'storage': desired['storage_quota']}})

    def _check_deletable(self, current):
        if current['repo_count'] and not self.params['purge']:
            raise ModuleFailure('Cannot delete %s: it still holds %d repositor%s. Delete them first, or set '
                                'purge=true to delete its repositories and artifacts together with the project.'
                                % (self.describe(), current['repo_count'],
                                   'y' if current['repo_count'] == 1 else 'ies'))

    def absent_view(self, current):
        self._check_deletable(current)
        return None

    def delete(self, current):
        self._check_deletable(current)
        name = current['name']
        if current['repo_count']:
            for repo in list_all(self.client, '/projects/%s/repositories' % path_quote(name)):
                short = repo['name'][len(name) + 1:] if repo['name'].startswith(name + '/') else repo['name']
                # A repository name with '/' must be URL-encoded twice (Harbor's API description says so).
                self.client.delete('/projects/%s/repositories/%s' % (path_quote(name), path_quote(path_quote(short))))
        self.client.delete(project_path(name), headers=BY_NAME)

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_'))
