#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_registered_model
short_description: Manage registered models in the MLflow model registry
version_added: 0.1.0
description:
  - Create, update and delete registered models, with their description, tags and aliases.
  - Aliases (MLflow 2.3 and later) name model versions, for example V(champion) points at version V(3).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the registered model.
    type: str
    required: true
  state:
    description:
      - V(present) creates the model and sets what is given.
      - V(absent) deletes the model B(and all its versions).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the model. Not managed when unset.
    type: str
  tags:
    description: Tags to set on the model (values are strings). Not managed when unset.
    type: dict
  purge_tags:
    description: Remove tags not listed in O(tags) (MLflow's own C(mlflow.*) tags are kept).
    type: bool
    default: false
  aliases:
    description:
      - Aliases to set, as alias name -> version number.
      - Every version must exist, and the names V(latest) and V(v<number>) are reserved by MLflow;
        both are checked before anything is written.
    type: dict
  purge_aliases:
    description: Remove aliases not listed in O(aliases).
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.mlflow_model_version
  - module: maestro.platform.mlflow_registered_model_info
"""

EXAMPLES = r"""
- name: Register the model with a description and tags
  maestro.platform.mlflow_registered_model:
    tracking_uri: https://mlflow.example.com
    name: fraud-classifier
    description: Gradient-boosted fraud classifier
    tags:
      team: risk

- name: Point the champion alias at version 3, and drop any other alias
  maestro.platform.mlflow_registered_model:
    tracking_uri: https://mlflow.example.com
    name: fraud-classifier
    aliases:
      champion: 3
    purge_aliases: true
"""

RETURN = r"""
registered_model:
  description: The registered model after the task (predicted in check mode). Empty if it never existed.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the model.
      type: str
      sample: fraud-classifier
    description:
      description: Description of the model.
      type: str
      sample: Gradient-boosted fraud classifier
    tags:
      description: Tags of the model.
      type: dict
      sample: {"team": "risk"}
    aliases:
      description: Alias name -> version.
      type: dict
      sample: {"champion": "3"}
    latest_versions:
      description: The latest version per stage, as MLflow reports them.
      type: list
      elements: dict
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_registered_model import RegisteredModel
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RegisteredModel


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
