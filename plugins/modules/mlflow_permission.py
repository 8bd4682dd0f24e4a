#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_permission
short_description: Manage a user's permission on an MLflow experiment or registered model
version_added: 0.1.0
description:
  - Grant, change and revoke the permission of one user of MLflow's basic-auth app on one experiment or
    registered model, through MLflow's auth REST API (the user's direct grants).
  - Without a grant, the server's C(default_permission) applies to the user.
  - The connection O(username) and O(password) must belong to an MLflow admin or to a user with MANAGE on the
    experiment or model.
author: Maestro Platform engineers (@maestro-platform)
options:
  user:
    description: The MLflow user (create it with M(maestro.platform.mlflow_user)).
    type: str
    required: true
  experiment_name:
    description:
      - Name of the experiment. Exactly one of O(experiment_name), O(experiment_id) and O(registered_model)
        is required.
    type: str
  experiment_id:
    description: Id of the experiment, instead of O(experiment_name).
    type: str
  registered_model:
    description: Name of the registered model, instead of an experiment.
    type: str
    aliases: [registered_model_name]
  permission:
    description:
      - V(READ) can read; V(USE) can also use (run, invoke); V(EDIT) can also write (log runs, update);
        V(MANAGE) can also delete and grant permissions; V(DENY) refuses the user even where the default
        permission would allow.
      - V(NO_PERMISSIONS) is refused, because MLflow 3 no longer stores it on a resource; use V(DENY), or
        O(state=absent) to fall back to the server's default permission.
      - Required with O(state=present).
    type: str
    choices: [READ, USE, EDIT, MANAGE, DENY, NO_PERMISSIONS]
  state:
    description:
      - V(present) grants O(permission), replacing a different grant the user has on the resource.
      - V(absent) revokes the user's grant on the resource.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
notes:
  - Changing a grant is a revoke followed by a grant (MLflow refuses to overwrite one); in between, for a
    moment, the default permission applies.
seealso:
  - module: maestro.platform.mlflow_user
  - name: MLflow authentication
    description: MLflow's basic-auth app and its permissions.
    link: https://www.mlflow.org/docs/latest/auth/index.html
"""

EXAMPLES = r"""
- name: Let a team edit its experiment
  maestro.platform.mlflow_permission:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    user: team-risk
    experiment_name: fraud-detection
    permission: EDIT

- name: Let another team read a registered model
  maestro.platform.mlflow_permission:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    user: team-audit
    registered_model: fraud-model
    permission: READ

- name: Revoke a grant (the default permission applies again)
  maestro.platform.mlflow_permission:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    user: team-audit
    registered_model: fraud-model
    state: absent
"""

RETURN = r"""
permission:
  description: The grant after the task (predicted in check mode). Empty when there is none.
  returned: always
  type: dict
  contains:
    user:
      description: The user.
      type: str
      sample: team-risk
    resource_type:
      description: V(experiment) or V(registered_model).
      type: str
      sample: experiment
    resource_id:
      description: The experiment id, or the registered model's name.
      type: str
      sample: "3"
    resource_name:
      description: The experiment's or registered model's name.
      type: str
      sample: fraud-detection
    permission:
      description: The permission granted.
      type: str
      sample: EDIT
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_permission import Permission
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Permission


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
