# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor projects as harbor_project and harbor_project_info return them (normalised), and harbor_project_info.

Facts the code relies on (Harbor v2.15.2):
- Project metadata values are strings on the wire ("true"/"false"); users see booleans.
- Storage quota lives in /quotas/{id} (GET /quotas?reference=project&reference_id=<id>), not in the project.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    HarborOperation,
    get_or_none,
    list_all,
    project_path,
    to_bool,
    wire_bool,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info

PROJECT_FLAGS = (
    # (option, metadata key)
    ('public', 'public'),
    ('auto_scan', 'auto_scan'),
    ('prevent_vulnerable', 'prevent_vul'),
    ('reuse_sys_cve_allowlist', 'reuse_sys_cve_allowlist'),
    ('content_trust', 'enable_content_trust'),
    ('content_trust_cosign', 'enable_content_trust_cosign'),
    ('auto_sbom_generation', 'auto_sbom_generation'),
)


def get_quota(client, project_id):
    quotas = client.get('/quotas', query={'reference': 'project', 'reference_id': str(project_id)}) or []
    for quota in quotas:
        ref = quota.get('ref') or {}
        if ref.get('id') in (None, project_id):
            return quota
    return None


def normalize_project(raw, quota=None, registry_name=None):
    meta = raw.get('metadata') or {}
    allowlist = raw.get('cve_allowlist') or {}
    project = {
        'project_id': raw.get('project_id'),
        'name': raw.get('name'),
        'owner_name': raw.get('owner_name'),
        'repo_count': raw.get('repo_count') or 0,
        'severity': meta.get('severity') or None,
        'cve_allowlist': sorted(i.get('cve_id') for i in allowlist.get('items') or [] if i.get('cve_id')),
        'cve_allowlist_expires_at': allowlist.get('expires_at') or None,
        'storage_quota': ((quota or {}).get('hard') or {}).get('storage'),
        'proxy_cache': None,
        'creation_time': raw.get('creation_time'),
    }
    for option, key in PROJECT_FLAGS:
        project[option] = to_bool(meta.get(key))
    if raw.get('registry_id'):
        speed = meta.get('proxy_speed_kb')
        project['proxy_cache'] = {
            'registry': registry_name,
            'registry_id': raw.get('registry_id'),
            'speed_kb': int(speed) if speed not in (None, '') else -1,
        }
    return project


def read_project(client, name, raw=None, with_quota=True):
    """A project by name, normalised; its quota costs a second request, so it is read only when asked."""
    raw = raw if raw is not None else get_or_none(client, project_path(name), headers=BY_NAME)
    if raw is None:
        return None
    quota = None
    if with_quota and raw.get('project_id') is not None:
        quota = get_quota(client, raw['project_id'])
    registry_name = None
    if raw.get('registry_id'):
        registry = get_or_none(client, '/registries/%s' % raw['registry_id'])
        registry_name = (registry or {}).get('name')
    project = normalize_project(raw, quota, registry_name)
    project['_quota_id'] = (quota or {}).get('id')
    return project


class ProjectInfo(HarborOperation, Info):
    module_options = dict(  # generated from plugins/modules/harbor_project_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
        public=dict(type='bool'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        name = self.params.get('name')
        if name is not None:
            project = read_project(self.client, name)
            projects = [project] if project else []
        else:
            projects = self._list_projects()
        for project in projects:
            project.pop('_quota_id', None)
        if name is not None and self.params.get('public') is not None:
            projects = [p for p in projects if p['public'] == self.params['public']]
        return {'changed': False, 'projects': projects}

    def _list_projects(self):
        """Every project (or the public / private ones), with quotas and registries listed once."""
        query = {}
        if self.params.get('public') is not None:
            query['public'] = wire_bool(self.params['public'])
        raws = list_all(self.client, '/projects', query=query)
        quotas = {}
        for quota in list_all(self.client, '/quotas', query={'reference': 'project'}):
            ref = quota.get('ref') or {}
            if ref.get('id') is not None:
                quotas[ref['id']] = quota
        registries = {}
        if any(raw.get('registry_id') for raw in raws):
            registries = dict((r['id'], r.get('name')) for r in list_all(self.client, '/registries'))
        return [normalize_project(raw, quotas.get(raw.get('project_id')), registries.get(raw.get('registry_id')))
                for raw in raws]
