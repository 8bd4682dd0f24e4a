#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_role
short_description: Manage roles of Nexus Repository 3
version_added: 0.1.0
description:
  - Create, update and delete roles (sets of privileges and other roles) through Nexus's REST API.
  - Options left unset are not managed. Nexus's built-in read-only roles cannot be changed.
author: Maestro Platform engineers (@maestro-platform)
options:
  id:
    description: The role's id, used to assign it to users.
    type: str
    required: true
  name:
    description: Display name (the id when created).
    type: str
  state:
    description: V(present) creates or updates the role, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the role.
    type: str
  privileges:
    description:
      - Privilege names, for example V(nx-repository-view-pypi-pypi-group-read); order does not matter.
      - The privileges must exist (repository privileges exist once their repository does).
    type: list
    elements: str
  roles:
    description: Ids of roles this role contains; order does not matter. They must exist.
    type: list
    elements: str
  source:
    description:
      - V(LDAP) makes the role the mapping of the LDAP group whose name is O(id) (Nexus's External Role Mapping).
        Nexus gives LDAP users the roles whose ids are their groups' names (with
        O(maestro.platform.nexus_ldap#module:ldap_groups_as_roles) on the connection), so such a role grants its
        O(privileges) and O(roles) to every member of the group. The group must exist on an LDAP connection of
        this Nexus; that is checked before the role is created. Group names are case-sensitive here.
      - The REST API stores every role with source C(default), so the returned RV(role.source) stays V(default);
        V(default) is an ordinary role.
    type: str
    choices: [default, LDAP]
    default: default
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_user
  - module: maestro.platform.nexus_privilege
  - module: maestro.platform.nexus_ldap
"""

EXAMPLES = r"""
- name: Developers read the pypi group and publish to pypi-hosted
  maestro.platform.nexus_role:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    id: developers
    name: Developers
    description: Read everything, publish Python packages
    privileges:
      - nx-repository-view-pypi-pypi-group-read
      - nx-repository-view-pypi-pypi-hosted-add
      - nx-repository-view-pypi-pypi-hosted-edit
    roles: [nx-anonymous]

- name: Members of the LDAP group "ml-engineers" may publish Python packages
  maestro.platform.nexus_role:
    id: ml-engineers
    source: LDAP
    name: ML engineers (LDAP)
    privileges: [nx-repository-view-pypi-pypi-hosted-add, nx-repository-view-pypi-pypi-hosted-edit]
"""

RETURN = r"""
role:
  description: The role after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    id:
      description: The role's id.
      type: str
      sample: developers
    name:
      description: Display name.
      type: str
    description:
      description: Description (empty when none).
      type: str
    source:
      description: Where the role comes from (V(default) for Nexus's own roles).
      type: str
    read_only:
      description: Whether it is a built-in read-only role.
      type: bool
    privileges:
      description: Privilege names, sorted.
      type: list
      elements: str
    roles:
      description: Contained role ids, sorted.
      type: list
      elements: str
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_role import Role
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Role


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
