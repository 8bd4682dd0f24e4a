#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_user_group
short_description: Manage Harbor user groups (LDAP, HTTP and OIDC groups)
version_added: 0.1.0
description:
  - Create and delete the user groups of a Harbor server, identified by name and type as Harbor identifies
    them; for example the groups that M(maestro.platform.harbor_project_member) adds to projects.
  - Harbor cannot change the type or the LDAP DN of a group; a different O(ldap_group_dn) for an existing
    group fails before anything is written.
  - Harbor lists only LDAP groups while in LDAP auth mode and only HTTP groups in HTTP auth mode, so manage
    the groups of the server's auth mode.
  - The connection user must be a Harbor system administrator.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the group (at most 255 characters).
    type: str
    required: true
  group_type:
    description: Kind of group. Harbor keeps one group per name and type.
    type: str
    choices: [ldap, http, oidc]
    default: oidc
  ldap_group_dn:
    description:
      - DN of the LDAP group; required to create a group with O(group_type=ldap), refused with other types.
      - Harbor looks the DN up in its LDAP server when the group is created and stores it trimmed and in lower
        case; DNs are compared the same way.
    type: str
  state:
    description: V(present) creates the group; V(absent) deletes it (and Harbor removes it from every project).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project_member
  - module: maestro.platform.harbor_config
"""

EXAMPLES = r"""
- name: The data science team's LDAP group
  maestro.platform.harbor_user_group:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: data-science
    group_type: ldap
    ldap_group_dn: cn=data-science,ou=groups,dc=example,dc=com

- name: An OIDC group (the name is the value of the groups claim)
  maestro.platform.harbor_user_group:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ml-engineers
"""

RETURN = r"""
user_group:
  description: The group after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's group id (V(null) when it would be created in check mode).
      type: int
      sample: 4
    name:
      description: Name of the group.
      type: str
      sample: data-science
    group_type:
      description: V(ldap), V(http) or V(oidc).
      type: str
      sample: ldap
    ldap_group_dn:
      description: DN of an LDAP group as Harbor stores it (lower case); V(null) for other types.
      type: str
      sample: cn=data-science,ou=groups,dc=example,dc=com
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_user_group import UserGroup
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = UserGroup


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
