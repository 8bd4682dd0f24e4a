#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_label
short_description: Manage Harbor labels (global and project labels)
version_added: 0.1.0
description:
  - Create, update and delete the labels that Harbor users put on artifacts and that replication filters
    select by. A label without O(project) is a global label (the connection user must be a system
    administrator); with O(project) it belongs to that project (project administrator or maintainer).
  - A label is identified by its name within its scope (Harbor keeps one label per name, scope and project);
    its scope and project cannot change. Renaming is not supported; a new name is a new label.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the label (1 to 128 characters).
    type: str
    required: true
  project:
    description: Name of the project of a project label. Leave it out for a global label.
    type: str
  description:
    description: Description of the label.
    type: str
  color:
    description:
      - Color the portal shows the label in, as C(#RRGGBB) (or C(#RGB)); V("") for none. Compared without
        regard to letter case.
    type: str
  state:
    description: V(present) creates or updates the label; V(absent) deletes it (Harbor also takes it off every
      artifact).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_replication_policy
"""

EXAMPLES = r"""
- name: A global label for released images
  maestro.platform.harbor_label:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: release
    description: Images that went to production
    color: "#0065AB"

- name: A label of one project
  maestro.platform.harbor_label:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: candidate
    project: ml-models
    color: "#F57600"

- name: Remove a project label
  maestro.platform.harbor_label:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: candidate
    project: ml-models
    state: absent
"""

RETURN = r"""
label:
  description: The label after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's label id (V(null) when it would be created in check mode).
      type: int
      sample: 7
    name:
      description: Name of the label.
      type: str
      sample: release
    description:
      description: Description.
      type: str
      sample: Images that went to production
    color:
      description: Color as Harbor stores it.
      type: str
      sample: "#0065AB"
    scope:
      description: V(global) or V(project).
      type: str
      sample: global
    project:
      description: Project of a project label; V(null) for a global label.
      type: str
      sample: ml-models
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_label import Label
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Label


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
