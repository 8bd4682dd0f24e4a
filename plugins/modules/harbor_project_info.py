#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_project_info
short_description: Read Harbor projects
version_added: 0.1.0
description:
  - Read one Harbor project by name, or list all projects the user can see (every page of the list).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of one project. Without it, all projects are listed.
    type: str
  public:
    description: Only return public (V(true)) or private (V(false)) projects.
    type: bool
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.harbor_project
"""

EXAMPLES = r"""
- name: All projects
  maestro.platform.harbor_project_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: harbor_projects

- name: One project
  maestro.platform.harbor_project_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ml-models
  register: ml_models
"""

RETURN = r"""
projects:
  description:
    - The projects found, in the shape of the RV(maestro.platform.harbor_project#module:project) result of
      M(maestro.platform.harbor_project). Empty when a named project does not exist.
  returned: always
  type: list
  elements: dict
  sample: [{"project_id": 12, "name": "ml-models", "public": false, "auto_scan": true, "storage_quota": -1}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_project_info import ProjectInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ProjectInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
