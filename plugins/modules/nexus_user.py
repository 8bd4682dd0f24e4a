#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_user
short_description: Manage local users of Nexus Repository 3
version_added: 0.1.0
description:
  - Create, update and delete users of Nexus's local (default) user source through its REST API.
  - Options left unset are not managed.
author: Maestro Platform engineers (@maestro-platform)
options:
  user_id:
    description: The user's login name.
    type: str
    required: true
    aliases: [name]
  state:
    description: V(present) creates or updates the user, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  first_name:
    description: First name (required to create a user).
    type: str
  last_name:
    description: Last name (required to create a user).
    type: str
  email:
    description: E-mail address (required to create a user).
    type: str
  user_password:
    description:
      - The user's password (required to create a user). Not the O(password) this module signs in with.
      - Nexus never returns passwords; see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the user is created.
      - V(always) makes O(user_password) the user's password. Whether it already is is checked by signing in as
        the user (one request), so an unchanged password reports no change; for a user that is not active the
        check is impossible and the password is set on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  status:
    description: V(active) users can sign in (V(active) when created).
    type: str
    choices: [active, locked, disabled, changepassword]
  roles:
    description: Ids of the user's roles; order does not matter. The roles must exist.
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_role
  - module: maestro.platform.nexus_admin_password
"""

EXAMPLES = r"""
- name: A deployment user for CI
  maestro.platform.nexus_user:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    user_id: ci-deployer
    first_name: CI
    last_name: Deployer
    email: ci@example.com
    user_password: "{{ vault_ci_deployer_password }}"
    roles: [deployers]

- name: Rotate its password (no change reported when it already is this one)
  maestro.platform.nexus_user:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    user_id: ci-deployer
    user_password: "{{ vault_ci_deployer_password_new }}"
    update_password: always
"""

RETURN = r"""
user:
  description: The user after the task (predicted in check mode); empty after deletion. Never holds a password.
  returned: always
  type: dict
  contains:
    user_id:
      description: Login name.
      type: str
      sample: ci-deployer
    first_name:
      description: First name.
      type: str
    last_name:
      description: Last name.
      type: str
    email:
      description: E-mail address.
      type: str
    status:
      description: V(active), V(locked), V(disabled) or V(changepassword).
      type: str
    source:
      description: User source (V(default) for local users).
      type: str
    roles:
      description: Role ids, sorted.
      type: list
      elements: str
    external_roles:
      description: Roles mapped from an external source, sorted.
      type: list
      elements: str
    read_only:
      description: Whether Nexus marks the user read-only.
      type: bool
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_user import User
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = User


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
