#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_content_selector
short_description: Manage content selectors of Nexus Repository 3
version_added: 0.2.0
description:
  - Create, update and delete content selectors (CSEL expressions over C(format) and C(path)) through Nexus's
    REST API. A C(repository-content-selector) privilege (M(maestro.platform.nexus_privilege)) grants access to
    what a selector matches.
  - A selector's name cannot change. A selector that a privilege uses is not deleted (the task fails naming
    the privileges). The expression's words and quoting are checked before any request; Nexus checks the rest.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: The selector's name; letters, digits, C(-), C(_) and C(.), not starting with C(_) or C(.).
    type: str
    required: true
  state:
    description: V(present) creates or updates the selector, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the selector.
    type: str
  expression:
    description:
      - The CSEL expression; required to create. Identifiers C(format) and C(path); operators C(==), C(!=),
        C(=~) (regular expression), C(=^) (starts with), C(and)/C(&&), C(or)/C(||) and parentheses; strings in
        double or single quotes. For example V(format == "maven2" and path =^ "/org/example/").
    type: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_privilege
"""

EXAMPLES = r"""
- name: The Maven artifacts of team A
  maestro.platform.nexus_content_selector:
    name: team-a-maven
    description: Team A's groupId
    expression: format == "maven2" and path =^ "/com/example/team-a/"
"""

RETURN = r"""
content_selector:
  description: The selector after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    name:
      description: The selector's name.
      type: str
    type:
      description: The selector type (C(csel)).
      type: str
    description:
      description: Description (empty when none).
      type: str
    expression:
      description: The CSEL expression.
      type: str
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_content_selector import ContentSelector
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ContentSelector


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
