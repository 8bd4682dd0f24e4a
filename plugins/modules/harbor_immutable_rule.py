#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_immutable_rule
short_description: Manage the immutable tag rules of a Harbor project
version_added: 0.1.0
description:
  - Make tags immutable (they cannot be overwritten or deleted) in a Harbor project.
  - Harbor's immutable rules have no name; a rule is identified by its four selector options
    (O(repositories), O(repositories_decoration), O(tags), O(tags_decoration)). Changing a selector
    therefore means another rule; remove the old one with O(state=absent).
author: Maestro Platform engineers (@maestro-platform)
options:
  project:
    description: Name of the project.
    type: str
    required: true
  state:
    description: V(present) creates the rule (or changes O(disabled)); V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  disabled:
    description: Keep the rule but do not apply it.
    type: bool
    default: false
  repositories:
    description: Repository pattern (doublestar), for example V(**) or V(team-a/**).
    type: str
    default: '**'
  repositories_decoration:
    description: V(matches) applies the rule to the repositories the pattern selects; V(excludes) to all others.
    type: str
    choices: [matches, excludes]
    default: matches
  tags:
    description: Tag pattern (doublestar), for example V(**) or V(release-*).
    type: str
    default: '**'
  tags_decoration:
    description: V(matches) applies the rule to the tags the pattern selects; V(excludes) to all others.
    type: str
    choices: [matches, excludes]
    default: matches
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_retention_policy
"""

EXAMPLES = r"""
- name: Release tags can never be overwritten
  maestro.platform.harbor_immutable_rule:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    tags: "v*"
"""

RETURN = r"""
immutable_rule:
  description: The rule after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the rule (V(null) when it would be created in check mode).
      type: int
      sample: 9
    project:
      description: Name of the project.
      type: str
      sample: ml-models
    repositories:
      description: Repository pattern.
      type: str
      sample: "**"
    repositories_decoration:
      description: V(matches) or V(excludes).
      type: str
      sample: matches
    tags:
      description: Tag pattern.
      type: str
      sample: "v*"
    tags_decoration:
      description: V(matches) or V(excludes).
      type: str
      sample: matches
    disabled:
      description: Whether the rule is disabled.
      type: bool
      sample: false
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_immutable_rule import ImmutableRule
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ImmutableRule


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
