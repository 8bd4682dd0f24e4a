# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""Where a model version comes from (mlflow_model_version's source): runs, their artifacts and MLflow 3's
logged models, read through the REST API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import API
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
)

RUNS_URI = re.compile(r'^runs:/([^/]+)/(.+?)/*$')
LOGGED_MODEL_URI = re.compile(r'^models:/(m-[0-9a-f]+)/*$')


def get_run(client, run_id, field):
    """A run (REST form), or a clear refusal naming ``field`` when it does not exist."""
    try:
        return client.get(API + '/runs/get', query={'run_id': run_id})['run']
    except ApiError as exc:
        if exc.status in (400, 404):  # RESOURCE_DOES_NOT_EXIST; a malformed id is INVALID_PARAMETER_VALUE
            raise ModuleFailure("%s: run '%s' does not exist on this MLflow server: %s"
                                % (field, run_id, exc.message))
        raise


def get_logged_model(client, model_id, field='model_id'):
    try:
        return client.get(API + '/logged-models/' + model_id)['model']['info']
    except ApiError as exc:
        if exc.status in (400, 404):
            raise ModuleFailure("%s: logged model '%s' does not exist on this MLflow server: %s"
                                % (field, model_id, exc.message))
        raise


def run_logged_model(client, run, name):
    """The logged model ``name`` of a run, as MLflow 3's client picks it when registering runs:/<run>/<name>
    (mlflow/tracking/_model_registry/fluent.py _register_model): the run's logged models of that name, the one
    logged at the largest step when there are several; None when the run has none."""
    info = run['info']
    found, token = [], None
    escaped = name.replace("'", "\\'")
    while True:
        body = {'experiment_ids': [info['experiment_id']], 'filter': "name = '%s'" % escaped, 'max_results': 100}
        if token:
            body['page_token'] = token
        data = client.post(API + '/logged-models/search', body, idempotent=True) or {}
        found.extend(m['info'] for m in data.get('models') or []
                     if (m.get('info') or {}).get('source_run_id') == info['run_id'])
        token = data.get('next_page_token')
        if not token:
            break
    if len(found) > 1:
        steps = dict((o.get('model_id'), int(o.get('step') or 0))
                     for o in (run.get('outputs') or {}).get('model_outputs') or [])
        found.sort(key=lambda m: steps.get(m['model_id'], 0))
    return found[-1] if found else None


def run_has_mlmodel(client, run_id, path):
    data = client.get(API + '/artifacts/list', query={'run_id': run_id, 'path': path}) or {}
    return any(f.get('path', '').rstrip('/').split('/')[-1] == 'MLmodel' for f in data.get('files') or [])
