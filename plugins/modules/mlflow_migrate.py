#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mlflow_migrate
short_description: Copy MLflow experiments, runs and registered models from one server to another
version_added: 0.1.0
description:
  - Copies experiments (name and tags), their runs (start and end time, status, params, tags, the full
    history of every metric, artifacts) and registered models (description, tags, versions, aliases and
    stages) from the MLflow server in O(source) to the server in O(tracking_uri), over MLflow's REST API.
  - Artifacts are read through the source server's artifact proxy (or its run artifact endpoints when a run
    is stored elsewhere) and written through the destination's artifact proxy, so no object-store
    credentials are needed; the copies live in the destination's own artifact store. The destination must
    serve artifacts (C(mlflow server --artifacts-destination), as the P(maestro.platform.mlflow#role) role runs it).
  - Idempotent and resumable. Experiments are matched by name. Each copied run carries the tag
    C(maestro.migrated_from) (the source run id) and, until everything of it is written, the tag
    C(maestro.migration=incomplete); a rerun skips finished copies and resumes unfinished ones, writing only
    what is missing. Each copied model version carries C(maestro.migrated_from) (the source version number).
  - A version registered from an MLflow 3 logged model (C(models:/m-...), what C(mlflow.<flavor>.log_model)
    and C(mlflow.register_model) make) gets a copy of that logged model (tagged C(maestro.migrated_from), its
    artifacts copied, then marked ready), linked to the copy of its run.
  - Deleted experiments and runs are skipped and listed in RV(skipped); so are model versions whose run is not
    migrated, versions whose source lies elsewhere (outside their run's artifacts and not a logged model behind
    the artifact proxy), and aliases pointing at skipped versions.
  - The connection options (O(tracking_uri), O(username), ...) are the destination's, so
    C(module_defaults) of the C(maestro.platform.mlflow) group point it at your platform.
author: Maestro Platform engineers (@maestro-platform)
options:
  source:
    description: The MLflow server to copy from. It is only read.
    type: dict
    required: true
    suboptions:
      tracking_uri:
        description: URL of the source tracking server.
        type: str
        required: true
      username:
        description: User name for HTTP basic authentication on the source server.
        type: str
      password:
        description: Password for HTTP basic authentication on the source server. Never shown.
        type: str
      token:
        description: Bearer token for the source server, instead of O(source.username) and O(source.password).
        type: str
      validate_certs:
        description: Verify the source server's TLS certificate.
        type: bool
        default: true
      ca_path:
        description: PEM file with the CA certificate(s) that signed the source server's certificate.
        type: path
      timeout:
        description: Seconds to wait for each HTTP response of the source server.
        type: int
        default: 30
  experiments:
    description:
      - Names of the experiments to copy. Left unset, every experiment of the source server is copied
        (including C(Default)); an empty list copies none.
    type: list
    elements: str
  models:
    description:
      - Names of the registered models to copy. Left unset, every registered model is copied; an empty list
        copies none.
      - A version is copied only when its run is copied too (it points at the copy's artifacts).
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.mlflow
  - maestro.platform.mlflow.actiongroups
  - maestro.platform.attributes
attributes:
  check_mode:
    details: Reads both servers and returns the plan in RV(would_copy); writes nothing.
  diff_mode:
    details: The diff lists every experiment, run, model and model version that is (or would be) written.
notes:
  - Artifacts are held in memory one file at a time.
  - Not copied - dataset inputs of runs, logged models that no copied version was registered from, metrics
    logged against a logged model, traces, prompts.
  - The playbook C(maestro.platform.migrate_mlflow) wraps this module.
seealso:
  - module: maestro.platform.mlflow_experiment
  - module: maestro.platform.mlflow_registered_model
"""

EXAMPLES = r"""
- name: See what would move (nothing is written in check mode)
  maestro.platform.mlflow_migrate:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    source:
      tracking_uri: http://old-mlflow.internal:5000
      username: reader
      password: "{{ vault_old_mlflow_password }}"
  check_mode: true
  register: plan

- name: Copy two experiments and one model
  maestro.platform.mlflow_migrate:
    tracking_uri: https://mlflow.example.com
    username: admin
    password: "{{ vault_mlflow_admin_password }}"
    source:
      tracking_uri: http://old-mlflow.internal:5000
    experiments: [fraud-detection, churn]
    models: [fraud-classifier]
"""

RETURN = r"""
would_copy:
  description: In check mode, what a real run would write, by kind.
  returned: check mode
  type: dict
  contains:
    experiments:
      description: Experiments to create (or whose tags to complete, marked C((tags))), as C(count) and C(names).
      type: dict
      sample: {"count": 1, "names": ["fraud-detection"]}
    runs:
      description: Runs to copy as C(experiment/run name (source run id)); C((resumed)) marks unfinished copies.
      type: dict
      sample: {"count": 1, "names": ["fraud-detection/bold-fox-12 (4f1c...)"]}
    models:
      description: Registered models to create or complete (description, tags, versions, aliases).
      type: dict
      sample: {"count": 1, "names": ["fraud-classifier"]}
    model_versions:
      description: Model versions to copy, as C(model/version) on the source server.
      type: dict
      sample: {"count": 2, "names": ["fraud-classifier/1", "fraud-classifier/2"]}
copied:
  description: What was written, in the shape of RV(would_copy).
  returned: when not in check mode
  type: dict
skipped:
  description: What was not copied and why (deleted on the source, run not migrated, ...).
  returned: always
  type: list
  elements: dict
  sample: [{"kind": "run", "name": "fraud-detection/old-run (9a2e...)", "reason": "deleted on the source server"}]
stats:
  description: Amounts written and the seconds the migration took.
  returned: when not in check mode
  type: dict
  sample: {"metric_points": 18000, "params": 240, "tags": 480, "artifact_files": 6, "artifact_bytes": 40960,
           "seconds": 12.3}
"""

from ansible_collections.maestro.platform.plugins.module_utils._mlflow_migrate import Migration
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Migration


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
