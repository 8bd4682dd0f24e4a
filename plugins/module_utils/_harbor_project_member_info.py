# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Read the members of Harbor projects (harbor_project_member_info), in the shape harbor_project_member returns.

GET /projects/{project_name_or_id}/members lists a project's members, paginated (Harbor v2.15.2,
src/server/v2.0/handler/member.go ListProjectMembers); a missing project is 404. The service base and the
member shape are _harbor.py's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    BY_NAME,
    HarborOperation,
    check_name,
    get_or_none,
    list_all,
    normalize_member,
    project_path,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info


class ProjectMemberInfo(HarborOperation, Info):
    module_options = dict(  # generated from plugins/modules/harbor_project_member_info.py DOCUMENTATION, do not edit
        project=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        project = self.params.get('project')
        if project is not None:
            check_name(project, 'project', 'project name')
            found = get_or_none(self.client, project_path(project), headers=BY_NAME)
            names = [found['name']] if found else []
        else:
            names = [raw['name'] for raw in list_all(self.client, '/projects')]
        members = []
        for name in names:
            raws = list_all(self.client, project_path(name, '/members'), headers=BY_NAME)
            members.extend(normalize_member(name, raw) for raw in raws)
        return {'changed': False, 'members': members}
