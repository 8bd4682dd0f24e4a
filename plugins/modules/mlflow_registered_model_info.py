#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_registered_model_info
short_description: Read registered models from the MLflow model registry
version_added: 0.1.0
description:
  - Look up one registered model by name, or search registered models, optionally with all their versions.
  - Never changes anything, so it is safe in check mode.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of one registered model. Without it, models are searched with O(filter).
    type: str
  filter:
    description: MLflow search filter, for example V(name LIKE 'fraud-%').
    type: str
  include_versions:
    description: Also return every version of each model (one more request per model).
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.mlflow_registered_model
"""

EXAMPLES = r"""
- name: Read a model with its versions
  maestro.platform.mlflow_registered_model_info:
    tracking_uri: https://mlflow.example.com
    name: fraud-classifier
    include_versions: true
  register: result

- name: Which version is the champion?
  ansible.builtin.debug:
    msg: "{{ result.registered_models[0].aliases.champion }}"
"""

RETURN = r"""
registered_models:
  description: The registered models found (an empty list when none matches).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the model.
      type: str
      sample: fraud-classifier
    description:
      description: Description of the model.
      type: str
    tags:
      description: Tags of the model.
      type: dict
    aliases:
      description: Alias name -> version.
      type: dict
      sample: {"champion": "3"}
    latest_versions:
      description: The latest version per stage.
      type: list
      elements: dict
    versions:
      description: Every version, oldest first.
      type: list
      elements: dict
      returned: when O(include_versions=true)
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_registered_model import RegisteredModelInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RegisteredModelInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
