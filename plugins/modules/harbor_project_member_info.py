#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_project_member_info
short_description: Read the members of Harbor projects
version_added: 0.1.0
description:
  - List the members (users and groups, with their roles) of one Harbor project, or of every project the
    connection user can see (every page).
  - The harbor role's purge (C(harbor_purge.members)) reads members with this module.
author: Maestro Platform engineers (@maestro-platform)
options:
  project:
    description: Name of the one project whose members to return. Unset, every project's members.
      A missing project returns an empty list.
    type: str
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.harbor_project_member
"""

EXAMPLES = r"""
- name: Who may use ml-models?
  maestro.platform.harbor_project_member_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
  register: found
"""

RETURN = r"""
members:
  description:
    - The memberships found, in the shape of the RV(maestro.platform.harbor_project_member#module:member) result of
      M(maestro.platform.harbor_project_member).
  returned: always
  type: list
  elements: dict
  sample: [{"id": 7, "project": "ml-models", "entity_name": "alice", "entity_type": "user", "role": "maintainer",
            "role_id": 4}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_project_member_info import ProjectMemberInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ProjectMemberInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
