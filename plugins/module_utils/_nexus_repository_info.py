# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the nexus_repository and nexus_repository_info logic of maestro.platform. Not a public API.
"""The nexus_repository_info logic: repositories read with their full settings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._nexus import NexusOperation, _get_or_none
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository import repository_summary
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_fields import (
    repository_path, repository_view)
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info, require_name


class RepositoryInfo(NexusOperation, Info):
    module_options = dict(  # generated from plugins/modules/nexus_repository_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
        format=dict(type='str',
                    choices=['pypi', 'npm', 'maven', 'docker', 'raw', 'go', 'helm', 'gitlfs', 'cocoapods', 'p2',
                             'huggingface', 'conda', 'apt', 'yum']),
        type=dict(type='str', choices=['proxy', 'hosted', 'group']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        p = self.params
        if p.get('name') is not None:
            name = require_name(p)
            summary = repository_summary(self.client, name)
            raws = []
            if summary is not None:
                raw = _get_or_none(self.client, repository_path(summary['format'], summary['type'], name))
                raws = [raw] if raw is not None else []
        else:
            raws = self.client.get('/v1/repositorySettings') or []
        repositories = [repository_view(raw) for raw in raws]
        if p.get('format'):
            repositories = [r for r in repositories if r['format'] == p['format']]
        if p.get('type'):
            repositories = [r for r in repositories if r['type'] == p['type']]
        return {'changed': False, 'repositories': repositories}
