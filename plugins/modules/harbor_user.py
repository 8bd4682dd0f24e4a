#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_user
short_description: Manage local Harbor users
version_added: 0.1.0
description:
  - Create, update and delete local users of a Harbor server in database authentication mode (C(db_auth)),
    identified by user name; for example the users that M(maestro.platform.harbor_project_member) adds to
    projects.
  - Harbor never shows a password, so O(user_password) is compared by signing in with it (see
    O(update_password)). The password is never returned.
  - The connection user must be a Harbor system administrator. The built-in C(admin) user is not managed by
    this module (Harbor does not list it).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: "User name of the user (1 to 255 characters, without spaces, commas, quotes or any of C(~), C(#), C($),
      C(%))."
    type: str
    required: true
  state:
    description: V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  email:
    description: E-mail address (unique in Harbor). Required to create a user.
    type: str
  realname:
    description: "Full name (1 to 255 characters, without commas or any of C(~), C(#), C($), C(%)). Required to create a
      user."
    type: str
  comment:
    description: Comment, at most 30 characters.
    type: str
  admin:
    description: Whether the user is a Harbor system administrator. New users are not.
    type: bool
  user_password:
    description:
      - Password of the user, required to create one. Harbor's rule, checked before any request, is 8 to 128
        characters with at least one upper-case letter, one lower-case letter and one digit.
      - Harbor refuses a new password equal to the password of the connection user.
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the user is created.
      - V(always) also makes an existing user's password O(user_password); the module signs in as the user to
        find out whether it already is (only then nothing changes).
    type: str
    choices: [on_create, always]
    default: on_create
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_user_info
  - module: maestro.platform.harbor_project_member
"""

EXAMPLES = r"""
- name: A developer who can sign in to Harbor
  maestro.platform.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: alice
    email: alice@example.com
    realname: Alice Example
    user_password: "{{ vault_harbor_alice_password }}"

- name: Make alice a project maintainer
  maestro.platform.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    user: alice
    role: maintainer

- name: Rotate the password of a service user and make it an administrator
  maestro.platform.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ops
    admin: true
    user_password: "{{ vault_harbor_ops_password }}"
    update_password: always

- name: Remove a user
  maestro.platform.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: bob
    state: absent
"""

RETURN = r"""
user:
  description: The user after the task (predicted in check mode); never the password. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's user id (V(null) when it would be created in check mode).
      type: int
      sample: 3
    name:
      description: User name of the user.
      type: str
      sample: alice
    email:
      description: E-mail address.
      type: str
      sample: alice@example.com
    realname:
      description: Full name.
      type: str
      sample: Alice Example
    comment:
      description: Comment.
      type: str
      sample: ""
    admin:
      description: Whether the user is a system administrator.
      type: bool
      sample: false
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_user import User
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = User


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
