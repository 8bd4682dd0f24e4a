#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_privilege
short_description: Manage privileges of Nexus Repository 3
version_added: 0.2.0
description:
  - Create, update and delete privileges of the types C(repository-view), C(repository-admin),
    C(repository-content-selector), C(application), C(script) and C(wildcard) through Nexus's REST API.
  - The options a type takes are checked before any request; options of another type are refused.
  - Options left unset are not managed. Nexus's built-in read-only privileges (C(nx-*)) cannot be changed or
    deleted, and a privilege's type cannot be changed (Nexus keeps the type on update), so delete it and create
    it again.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: The privilege's name (also its id); letters, digits, C(-), C(_) and C(.), not starting with C(_) or C(.).
    type: str
    required: true
  type:
    description: The privilege type. Required with O(state=present).
    type: str
    choices: [application, repository-admin, repository-content-selector, repository-view, script, wildcard]
  state:
    description: V(present) creates or updates the privilege, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the privilege.
    type: str
  format:
    description:
      - Repository types only. The repository format (V(pypi), V(npm), V(maven2), V(docker), V(raw) ...) or V(*).
        V(maven) is taken as V(maven2), Nexus's name. It must be the repository's format.
    type: str
  repository:
    description: Repository types only. A repository name (it must exist) or V(*) for all.
    type: str
  content_selector:
    description: C(repository-content-selector) only. The content selector's name (it must exist).
    type: str
  actions:
    description:
      - The actions granted (order does not matter, compared as a set). V(all) or V(*) grants every action.
      - Repository types take V(browse), V(read), V(edit), V(add), V(delete), V(all); C(script) takes those and
        V(run); C(application) takes V(read), V(edit), V(add), V(delete), V(associate), V(disassociate), V(start),
        V(stop), V(all). C(wildcard) takes none.
    type: list
    elements: str
  domain:
    description: C(application) only. The domain, for example V(blobstores), V(users) or V(*).
    type: str
  script_name:
    description: C(script) only. The script's name (it must exist).
    type: str
  pattern:
    description: C(wildcard) only. A Shiro permission string, for example V(nexus:repository-view:*:*:read).
    type: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_role
  - module: maestro.platform.nexus_content_selector
"""

EXAMPLES = r"""
- name: Publish to pypi-hosted
  maestro.platform.nexus_privilege:
    name: pypi-hosted-publish
    type: repository-view
    format: pypi
    repository: pypi-hosted
    actions: [read, add, edit]

- name: Read only the team's Maven groupId
  maestro.platform.nexus_privilege:
    name: team-a-maven-read
    type: repository-content-selector
    content_selector: team-a-maven
    format: maven2
    repository: "*"
    actions: [browse, read]

- name: Read the blob stores' settings
  maestro.platform.nexus_privilege:
    name: blobstores-read
    type: application
    domain: blobstores
    actions: [read]

- name: Everything about metrics
  maestro.platform.nexus_privilege:
    name: metrics-all
    type: wildcard
    pattern: "nexus:metrics:*"
"""

RETURN = r"""
privilege:
  description: The privilege after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    name:
      description: The privilege's name.
      type: str
    type:
      description: The privilege type.
      type: str
    description:
      description: Description (empty when none).
      type: str
    read_only:
      description: Whether it is a built-in privilege.
      type: bool
    actions:
      description: The granted actions, lower case, sorted (types with actions).
      type: list
      elements: str
    format:
      description: Repository format (repository types).
      type: str
    repository:
      description: Repository name or C(*) (repository types).
      type: str
    content_selector:
      description: Content selector (C(repository-content-selector)).
      type: str
    domain:
      description: Domain (C(application)).
      type: str
    script_name:
      description: Script name (C(script)).
      type: str
    pattern:
      description: Permission string (C(wildcard)).
      type: str
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_privilege import Privilege
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Privilege


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
