# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor robot accounts as harbor_robot_account and harbor_robot_account_info return them, and
harbor_robot_account_info.

Facts the code relies on (Harbor v2.15.2): GET /robots lists system robots without Level, project robots only
with Level=project and the project's id; a robot's stored name carries the prefix (robot$ by default) and,
for a project robot, its project (robot$proj+name). GET never returns a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    HarborOperation,
    get_or_none,
    list_all,
    project_path,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_permissions import normalize_permissions
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, Info


def robot_owner(full_name, prefix):
    """(project, short name) from a stored robot name: robot$proj+name -> ('proj', 'name')."""
    rest = full_name[len(prefix):] if full_name.startswith(prefix) else full_name
    if '+' in rest:
        project, dummy, short = rest.partition('+')
        return project, short
    return None, rest


def normalize_robot(raw, prefix):
    project, short = robot_owner(raw.get('name') or '', prefix)
    return {
        'id': raw.get('id'),
        'name': short,
        'full_name': raw.get('name'),
        'level': raw.get('level'),
        'project': project if raw.get('level') == 'project' else None,
        'description': raw.get('description') or '',
        'duration': raw.get('duration'),
        'disabled': bool(raw.get('disable')),
        'expires_at': raw.get('expires_at'),
        'editable': raw.get('editable'),
        'permissions': normalize_permissions(raw.get('permissions')),
        'creation_time': raw.get('creation_time'),
    }


def list_robots(client, level, project_id=None, name=None, limit=None):
    """Robot accounts of one level. Harbor lists only system robots without Level, and project robots only
    with Level=project and the project's id; name is matched (fuzzy) without the prefix."""
    query = ['Level=%s' % level]
    if level == 'project':
        query.append('ProjectID=%s' % project_id)
    if name:
        query.append('name=~%s' % name)
    return list_all(client, '/robots', query={'q': ','.join(query)}, limit=limit)


def find_robot(client, full_name, level, prefix, project_id=None):
    short = robot_owner(full_name, prefix)[1]
    for raw in list_robots(client, level, project_id, short):
        if raw.get('name') == full_name and raw.get('level') == level:
            return raw
    return None


def project_ids(client):
    """Every project's id by name, from one listing (empty for more than READ_AHEAD_LIMIT projects)."""
    projects = list_all(client, '/projects', limit=READ_AHEAD_LIMIT) or []
    return dict((raw.get('name'), raw.get('project_id')) for raw in projects)


def robot_settings(client):
    """Harbor's robot settings from GET /configurations (robot_name_prefix, robot_token_duration in days), or
    None when the caller may not read the configuration (only system admins may: 401/403)."""
    try:
        config = client.get('/configurations') or {}
    except ApiError as exc:
        if exc.status in (401, 403):
            return None
        raise
    return dict((key, (config.get(key) or {}).get('value')) for key in ('robot_name_prefix', 'robot_token_duration'))


def robot_prefix(params, settings):
    """The robot name prefix: name_prefix when given, else the server's robot_name_prefix, else Harbor's
    default robot$ (for a caller that cannot read the configuration)."""
    if params.get('name_prefix'):
        return params['name_prefix']
    return (settings or {}).get('robot_name_prefix') or 'robot$'


class RobotAccountInfo(HarborOperation, Info):
    module_options = dict(  # generated from plugins/modules/harbor_robot_account_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
        level=dict(type='str', choices=['system', 'project']),
        project=dict(type='str'),
        name_prefix=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        prefix = robot_prefix(self.params, None if self.params.get('name_prefix') else robot_settings(self.client))
        name, level, project = self.params.get('name'), self.params.get('level'), self.params.get('project')
        raws = []
        if level in (None, 'system') and not project:
            raws.extend(list_robots(self.client, 'system', name=name))
        if level in (None, 'project'):
            if project:
                found = get_or_none(self.client, project_path(project), headers=BY_NAME)
                projects = [found] if found else []
            else:
                projects = list_all(self.client, '/projects')
            for raw_project in projects:
                raws.extend(list_robots(self.client, 'project', raw_project['project_id'], name=name))
        robots = [normalize_robot(raw, prefix) for raw in raws]
        if name:
            robots = [r for r in robots if r['name'] == name]
        return {'changed': False, 'robot_accounts': robots}
