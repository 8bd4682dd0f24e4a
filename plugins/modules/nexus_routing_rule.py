#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_routing_rule
short_description: Manage routing rules of Nexus Repository 3
version_added: 0.1.0
description:
  - Create, update and delete routing rules, which allow or block requests to proxy and group repositories by
    path. A repository uses a rule through O(maestro.platform.nexus_repository#module:routing_rule).
  - Options left unset are not managed.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the rule (letters, digits, C(-), C(_) and C(.); not V(None)).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the rule. V(absent) deletes it; Nexus refuses while a repository uses it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the rule (empty when created without one).
    type: str
  mode:
    description:
      - V(block) blocks the requests whose path matches any of O(matchers); V(allow) allows only those.
      - Required to create the rule.
    type: str
    choices: [allow, block]
  matchers:
    description:
      - Regular expressions matched against request paths, in order. At least one; each is checked before
        anything is sent (Nexus compiles them as Java regular expressions, which agree with Python's for the
        usual path patterns).
      - Required to create the rule.
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_repository
  - name: Nexus routing rules
    description: What routing rules are and how proxy and group repositories use them.
    link: https://help.sonatype.com/en/routing-rules.html
"""

EXAMPLES = r"""
- name: Keep internal package names from leaking to the public registries
  maestro.platform.nexus_routing_rule:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: block-internal
    description: Internal coordinates are never fetched from a proxy
    mode: block
    matchers:
      - "^/com/example/.*"
      - "^/@example/.*"

- name: The npm proxy uses it
  maestro.platform.nexus_repository:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: npm-proxy
    format: npm
    type: proxy
    remote_url: https://registry.npmjs.org
    routing_rule: block-internal
"""

RETURN = r"""
routing_rule:
  description: The rule after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the rule.
      type: str
      sample: block-internal
    description:
      description: Description (empty when none).
      type: str
    mode:
      description: V(allow) or V(block).
      type: str
      sample: block
    matchers:
      description: The regular expressions, in order.
      type: list
      elements: str
      sample: ["^/com/example/.*"]
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_routing_rule import RoutingRule
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RoutingRule


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
