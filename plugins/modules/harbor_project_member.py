#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_project_member
short_description: Manage the members of a Harbor project and their roles
version_added: 0.1.0
description:
  - Add a user or a group to a Harbor project with a role, change the role, or remove the member.
author: Maestro Platform engineers (@maestro-platform)
options:
  project:
    description: Name of the project.
    type: str
    required: true
  user:
    description: Name of a Harbor user (or of an LDAP/OIDC user known to Harbor). Exclusive with O(group).
    type: str
  group:
    description: Name of a user group. Exclusive with O(user).
    type: str
  group_type:
    description: Kind of group named in O(group). Only used when the group is added.
    type: str
    choices: [ldap, http, oidc]
    default: oidc
  ldap_group_dn:
    description: DN of the LDAP group, with O(group_type=ldap).
    type: str
  role:
    description:
      - Role of the member in the project. Required with O(state=present).
      - "Harbor's roles: V(projectAdmin), V(maintainer), V(developer), V(guest), V(limitedGuest). The
        snake_case spellings V(project_admin) and V(limited_guest) are accepted too."
    type: str
  state:
    description: V(present) adds the member or changes its role; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project
"""

EXAMPLES = r"""
- name: Give the data team's OIDC group developer access
  maestro.platform.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    group: data-team
    group_type: oidc
    role: developer

- name: Make alice a maintainer
  maestro.platform.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    user: alice
    role: maintainer

- name: Remove bob
  maestro.platform.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    user: bob
    state: absent
"""

RETURN = r"""
member:
  description: The membership after the task (predicted in check mode). Empty when there is none.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the membership (V(null) when it would be created in check mode).
      type: int
      sample: 7
    project:
      description: Name of the project.
      type: str
      sample: ml-models
    entity_name:
      description: Name of the user or group.
      type: str
      sample: alice
    entity_type:
      description: V(user) or V(group).
      type: str
      sample: user
    role:
      description: Harbor's name of the role.
      type: str
      sample: maintainer
    role_id:
      description: Harbor's id of the role (1 projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest).
      type: int
      sample: 4
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_project_member import ProjectMember
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ProjectMember


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
