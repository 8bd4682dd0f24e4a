#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_model_version
short_description: Register and manage versions of an MLflow registered model
version_added: 0.1.0
description:
  - Register a model version from a source (and/or the run that produced it), and manage its description,
    tags and (deprecated) stage.
  - Idempotent, a version with the same source (and O(run_id), when given) is never registered twice; the oldest
    matching version is managed.
  - As MLflow 3's own client does, a O(source) of the form V(runs:/<run_id>/<name>) whose run logged a model named
    V(<name>) (MLflow 3's logged models, V(models:/m-...)) registers that logged model, with its model id and its
    artifact location as the version's source, so that V(models:/<model>@<alias>) loads. A run that keeps an
    C(MLmodel) file under V(<name>) among its own artifacts (MLflow 2) is registered from the V(runs:/) source.
  - A run or logged model that does not exist is refused before anything is written.
  - MLflow's REST answers do not include a version's model id, so the result does not show it; a version
    registered from a logged model has that model's artifact location (C(.../models/m-<id>/artifacts)) as source.
  - The registered model must exist (see M(maestro.platform.mlflow_registered_model)).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the registered model.
    type: str
    required: true
    aliases: [model_name]
  state:
    description:
      - V(present) registers the version if no version has the same source/run, and sets what is given.
      - V(absent) deletes the matching version.
    type: str
    choices: [present, absent]
    default: present
  source:
    description:
      - Where the model artifacts are, for example V(runs:/<run_id>/model) (the run's logged model, see above),
        V(models:/m-<id>) (a logged model) or V(s3://mlflow-artifacts/1/abc/artifacts/model).
      - One of O(source) and O(model_id) is required to register a new version.
    type: str
  run_id:
    description:
      - The run that produced the model. Used to match an existing version and stored on create; it must exist.
      - Taken from O(source) or O(model_id) when unset.
    type: str
  model_id:
    description:
      - An MLflow 3 logged model (V(m-...)) to register, as C(mlflow.register_model("models:/m-...")) does. Without
        O(source), the version's source is the logged model's artifact location.
    type: str
  version:
    description:
      - Manage this existing version number instead of matching by source/run.
    type: str
  description:
    description: Description of the version. Not managed when unset.
    type: str
  tags:
    description: Tags to set on the version (values are strings). Not managed when unset.
    type: dict
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: false
  stage:
    description:
      - Stage of the version. MLflow deprecated stages in 2.9 in favour of aliases; they still work, and the
        module warns when this is used.
    type: str
    choices: ['None', Staging, Production, Archived]
  archive_existing_versions:
    description: When moving to O(stage), archive the versions that are in that stage now.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.mlflow_registered_model
"""

EXAMPLES = r"""
- name: Register the model produced by a training run (once)
  maestro.platform.mlflow_model_version:
    tracking_uri: https://mlflow.example.com
    name: fraud-classifier
    source: "runs:/{{ run_id }}/model"
    description: Trained on the November snapshot
    tags:
      dataset: transactions-2026-11
  register: registered

- name: Make it the champion
  maestro.platform.mlflow_registered_model:
    tracking_uri: https://mlflow.example.com
    name: fraud-classifier
    aliases:
      champion: "{{ registered.model_version.version }}"
"""

RETURN = r"""
model_version:
  description: The model version after the task (predicted in check mode). Empty if none matched.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the registered model.
      type: str
      sample: fraud-classifier
    version:
      description: Version number (V(null) when it would be registered in check mode).
      type: str
      sample: "3"
    source:
      description: Where the model artifacts are.
      type: str
    run_id:
      description: The run that produced the model, if known.
      type: str
    description:
      description: Description of the version.
      type: str
    current_stage:
      description: V(None), V(Staging), V(Production) or V(Archived).
      type: str
    status:
      description: MLflow's registration status, V(READY) once registered.
      type: str
    aliases:
      description: Aliases pointing at this version.
      type: list
      elements: str
    tags:
      description: Tags of the version.
      type: dict
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_model_version import ModelVersion
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ModelVersion


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
