#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_experiment
short_description: Manage MLflow experiments
version_added: 0.1.0
description:
  - Create, update, restore and delete experiments on an MLflow tracking server through its REST API.
  - Deleting is MLflow's soft delete. An experiment that was soft-deleted keeps its name, so asking for it
    again restores it, keeping its id, runs and artifacts.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the experiment.
    type: str
    required: true
  state:
    description:
      - V(present) creates the experiment, or restores it if it was deleted, and sets its tags.
      - V(absent) deletes it (soft delete).
    type: str
    choices: [present, absent]
    default: present
  artifact_location:
    description:
      - Where the experiment stores artifacts, for example V(s3://mlflow-artifacts/team-a).
      - Only used when the experiment is created; the server default applies when unset.
      - A different value for an existing experiment is an error, because MLflow cannot move an experiment's
        artifacts.
    type: str
  tags:
    description:
      - Tags to set on the experiment (values are strings).
      - Tags that MLflow manages itself (prefix C(mlflow.)) cannot be set here.
    type: dict
  purge_tags:
    description:
      - Remove tags that are not listed in O(tags). MLflow's own C(mlflow.*) tags are kept.
      - With O(tags) unset, tags are not managed at all.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.mlflow_experiment_info
  - name: MLflow REST API
    description: The endpoints this module uses.
    link: https://mlflow.org/docs/latest/api_reference/rest-api.html
"""

EXAMPLES = r"""
- name: Create the team's experiment with its artifacts on S3
  maestro.platform.mlflow_experiment:
    tracking_uri: https://mlflow.example.com
    name: fraud-detection
    artifact_location: s3://mlflow-artifacts/fraud-detection
    tags:
      team: risk
      cost_center: "4711"

- name: Converge many experiments quickly (one connection for the whole loop)
  maestro.platform.mlflow_experiment:
    name: "{{ item }}"
    tags:
      managed_by: ansible
  loop: "{{ platform_experiments }}"
  module_defaults:
    group/maestro.platform.mlflow:
      tracking_uri: "{{ mlflow_url }}"
      username: "{{ mlflow_user }}"
      password: "{{ vault_mlflow_password }}"

- name: Delete an experiment (MLflow keeps it as deleted; present restores it)
  maestro.platform.mlflow_experiment:
    tracking_uri: https://mlflow.example.com
    name: old-experiment
    state: absent
"""

RETURN = r"""
experiment:
  description: The experiment after the task (predicted in check mode). Empty if it never existed.
  returned: always
  type: dict
  contains:
    experiment_id:
      description: The experiment's id (V(null) when it would be created in check mode).
      type: str
      sample: "1"
    name:
      description: Name of the experiment.
      type: str
      sample: fraud-detection
    artifact_location:
      description: Where the experiment stores its artifacts.
      type: str
      sample: s3://mlflow-artifacts/fraud-detection
    lifecycle_stage:
      description: V(active), or V(deleted) after O(state=absent).
      type: str
      sample: active
    tags:
      description: All tags of the experiment, including MLflow's own.
      type: dict
      sample: {"team": "risk"}
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_experiment import Experiment
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Experiment


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
