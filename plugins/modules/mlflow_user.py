#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_user
short_description: Manage users of MLflow's basic-auth app
version_added: 0.1.0
description:
  - Create, update and delete users of an MLflow tracking server that runs MLflow's basic-auth app
    (C(mlflow server --app-name basic-auth)), through its auth REST API.
  - The connection O(username) and O(password) must belong to an MLflow admin.
  - MLflow never returns a password. With O(update_password=always) the module signs in as the user with
    O(user_password) and only sets the password when that fails.
  - Give the user access to experiments and registered models with M(maestro.platform.mlflow_permission).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: The user's name (what they sign in with).
    type: str
    required: true
    aliases: [user]
  state:
    description:
      - V(present) creates the user and sets the admin flag (and the password, see O(update_password)).
      - V(absent) deletes the user and its permissions. The user this task signs in as cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
  user_password:
    description:
      - The user's password, at least 12 characters (MLflow refuses shorter ones).
      - Required to create the user. Never returned or shown in a diff.
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the user is created.
      - V(always) also changes the password of an existing user when O(user_password) does not sign in as
        them (checked with one sign-in request, so a second run reports no change).
    type: str
    choices: [on_create, always]
    default: on_create
  admin:
    description:
      - Whether the user is an MLflow admin (all permissions, user management).
      - Left unset, an existing user's flag is kept and a new user is not an admin.
      - The admin flag cannot be taken from the user this task signs in as.
    type: bool
    aliases: [is_admin]
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.mlflow_permission
  - name: MLflow authentication
    description: MLflow's basic-auth app and its REST API.
    link: https://www.mlflow.org/docs/latest/auth/index.html
"""

EXAMPLES = r"""
- name: Create a team user (the password is only set when the user is created)
  maestro.platform.mlflow_user:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    name: team-risk
    user_password: "{{ vault_mlflow_team_risk_password }}"

- name: Rotate a password (changed only when the new one does not sign in yet)
  maestro.platform.mlflow_user:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    name: team-risk
    user_password: "{{ vault_mlflow_team_risk_password_new }}"
    update_password: always

- name: Delete a user
  maestro.platform.mlflow_user:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    name: former-team
    state: absent
"""

RETURN = r"""
user:
  description: The user after the task (predicted in check mode), without any password. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: MLflow's id of the user (V(null) when it would be created in check mode).
      type: int
      sample: 2
    username:
      description: The user's name.
      type: str
      sample: team-risk
    is_admin:
      description: Whether the user is an MLflow admin.
      type: bool
      sample: false
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_user import User
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = User


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
