#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_experiment_info
short_description: Read MLflow experiments
version_added: 0.1.0
description:
  - Look up one experiment by name, or search experiments on an MLflow tracking server.
  - Never changes anything, so it is safe in check mode.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description:
      - Name of one experiment to look up. Without it, experiments are searched with O(filter).
    type: str
  filter:
    description:
      - MLflow search filter, for example V(tags.team = 'risk') or V(name LIKE 'fraud-%').
    type: str
  view_type:
    description: Which experiments to return, by lifecycle stage.
    type: str
    choices: [active_only, deleted_only, all]
    default: active_only
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.mlflow_experiment
"""

EXAMPLES = r"""
- name: Look up one experiment
  maestro.platform.mlflow_experiment_info:
    tracking_uri: https://mlflow.example.com
    name: fraud-detection
  register: result

- name: List the risk team's experiments, deleted ones included
  maestro.platform.mlflow_experiment_info:
    tracking_uri: https://mlflow.example.com
    filter: "tags.team = 'risk'"
    view_type: all
  register: result
"""

RETURN = r"""
experiments:
  description: The experiments found (an empty list when none matches).
  returned: always
  type: list
  elements: dict
  contains:
    experiment_id:
      description: The experiment's id.
      type: str
      sample: "1"
    name:
      description: Name of the experiment.
      type: str
      sample: fraud-detection
    artifact_location:
      description: Where the experiment stores its artifacts.
      type: str
      sample: s3://mlflow-artifacts/1
    lifecycle_stage:
      description: V(active) or V(deleted).
      type: str
      sample: active
    tags:
      description: All tags of the experiment.
      type: dict
      sample: {"team": "risk"}
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_experiment import ExperimentInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ExperimentInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
