#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_robot_account_info
short_description: Read Harbor robot accounts
version_added: 0.1.0
description:
  - List Harbor robot accounts (every page), optionally filtered.
  - Secrets are never returned, because Harbor does not show them after creation.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Short name of the robot accounts to return (without prefix and project).
    type: str
  level:
    description: Only return system or project robot accounts.
    type: str
    choices: [system, project]
  project:
    description: Only return project-level robot accounts of this project.
    type: str
  name_prefix:
    description:
      - Harbor's robot name prefix. By default it is read from the server (its C(robot_name_prefix) setting in
        C(/configurations)); a connection user that may not read the configuration (not a system administrator)
        gets Harbor's default V(robot$) and must set this when the server uses another prefix.
    type: str
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.harbor_robot_account
"""

EXAMPLES = r"""
- name: Robot accounts of a project
  maestro.platform.harbor_robot_account_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
  register: robots
"""

RETURN = r"""
robot_accounts:
  description:
    - The robot accounts found, in the shape of the RV(maestro.platform.harbor_robot_account#module:robot_account)
      result of M(maestro.platform.harbor_robot_account), without secrets.
  returned: always
  type: list
  elements: dict
  sample: [{"id": 3, "name": "ci", "full_name": "robot$ml-models+ci", "level": "project", "project": "ml-models"}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_account_info import RobotAccountInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RobotAccountInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
