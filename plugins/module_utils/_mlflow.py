# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""MLflow through its REST API (/api/2.0/mlflow): no `mlflow` package is needed where this runs.

This file is the service base: connection options and client (MlflowOperation), the tag helpers and the
getters several modules share (experiments, registered models, model versions, runs, logged models). Each
module's logic is in its own file named after it: _mlflow_experiment.py, _mlflow_registered_model.py,
_mlflow_model_version.py, _mlflow_user.py, _mlflow_permission.py, _mlflow_migrate.py.

Facts the code relies on (MLflow 3.x, checked against a real server in tests/):
- RESOURCE_ALREADY_EXISTS is HTTP 400, RESOURCE_DOES_NOT_EXIST 404, INVALID_STATE 500.
- Every "set" endpoint is a POST but idempotent, so it is safe to retry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
    desired_mapping,
    http_client,
    mapping_changes,
)

API = '/api/2.0/mlflow'
SYSTEM_TAG_PREFIX = 'mlflow.'
RUNS_URI = re.compile(r'^runs:/([^/]+)/(.+?)/*$')
LOGGED_MODEL_URI = re.compile(r'^models:/(m-[0-9a-f]+)/*$')


class MlflowOperation:
    """Connection options and client for every MLflow module (mixed into Resource / Info)."""

    service = 'mlflow'
    connection_option_code = {'tracking_uri': dict(fallback=(env_fallback, ['MLFLOW_TRACKING_URI'])),
                              'username': dict(fallback=(env_fallback, ['MLFLOW_TRACKING_USERNAME'])),
                              'password': dict(no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_PASSWORD'])),
                              'token': dict(no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_TOKEN'])),
                              'ca_path': dict(fallback=(env_fallback, ['MLFLOW_TRACKING_SERVER_CERT_PATH'])),
                              'timeout': dict(fallback=(env_fallback, ['MLFLOW_HTTP_REQUEST_TIMEOUT']))}
    connection_options = dict(  # generated from plugins/doc_fragments/mlflow.py DOCUMENTATION, do not edit
        tracking_uri=dict(type='str', required=True, fallback=(env_fallback, ['MLFLOW_TRACKING_URI'])),
        username=dict(type='str', fallback=(env_fallback, ['MLFLOW_TRACKING_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_PASSWORD'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_TOKEN'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path', fallback=(env_fallback, ['MLFLOW_TRACKING_SERVER_CERT_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['MLFLOW_HTTP_REQUEST_TIMEOUT'])),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(
        mutually_exclusive=[('token', 'username'), ('token', 'password')],
        required_together=[('username', 'password')],
    )

    @classmethod
    def make_client(cls, params, prefix=''):
        """The HTTP client; prefix names the option that holds these settings in errors (e.g. 'source.')."""
        uri = params.get('tracking_uri')
        if isinstance(uri, str) and not uri.startswith(('http://', 'https://')):
            raise ModuleFailure("%stracking_uri must be the http:// or https:// URL of an MLflow tracking "
                                "server, got %r (file and database URIs are not served over REST)" % (prefix, uri))
        return http_client(params, uri, url_option='tracking_uri', prefix=prefix)


def _tags_to_dict(tags):
    return dict((t['key'], t.get('value', '')) for t in tags or [])


def check_tags(tags, field='tags'):
    if tags is None:
        return None
    result = {}
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            raise ModuleFailure('%s keys must be non-empty strings, got %r' % (field, key))
        if key.startswith(SYSTEM_TAG_PREFIX):
            raise ModuleFailure("%s key %r uses the prefix 'mlflow.' that MLflow reserves for its own tags"
                                % (field, key))
        if value is None or isinstance(value, (dict, list)):
            raise ModuleFailure('%s value of %r must be a string, got %r' % (field, key, value))
        result[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return result


def desired_tags(current, wanted, purge):
    """User tags as they should be; MLflow's own mlflow.* tags are never purged."""
    current = current or {}
    result = desired_mapping(current, wanted, purge)
    result.update(dict((k, v) for k, v in current.items() if k.startswith(SYSTEM_TAG_PREFIX)))
    return result


def apply_tags(current, desired, set_tag, delete_tag):
    to_set, to_remove = mapping_changes(current, desired)
    for key, value in sorted(to_set.items()):
        set_tag(key, value)
    for key in to_remove:
        delete_tag(key)


# -- getters shared by several modules -------------------------------------------------------------
def _experiment(raw):
    return {
        'experiment_id': raw.get('experiment_id'),
        'name': raw.get('name'),
        'artifact_location': raw.get('artifact_location'),
        'lifecycle_stage': raw.get('lifecycle_stage'),
        'tags': _tags_to_dict(raw.get('tags')),
    }


def get_experiment(client, name):
    try:
        data = client.get(API + '/experiments/get-by-name', query={'experiment_name': name})
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return _experiment(data['experiment'])


def search_experiments(client, view_type='ACTIVE_ONLY', filter_string=None, limit=None):
    """Every experiment matching; None when there are more than limit."""
    experiments, token = [], None
    while True:
        query = {'max_results': 1000, 'view_type': view_type, 'filter': filter_string or None, 'page_token': token}
        data = client.get(API + '/experiments/search', query=query) or {}  # a read: GET (MLflow serves both)
        experiments.extend(_experiment(e) for e in data.get('experiments', []))
        if limit is not None and len(experiments) > limit:
            return None
        token = data.get('next_page_token')
        if not token:
            return experiments


def normalize_model_version(raw):
    return {
        'name': raw.get('name'),
        'version': str(raw.get('version')),
        'source': raw.get('source'),
        'run_id': raw.get('run_id') or None,
        'description': raw.get('description') or '',
        'current_stage': raw.get('current_stage') or 'None',
        'status': raw.get('status'),
        'aliases': sorted(raw.get('aliases') or []),
        'tags': _tags_to_dict(raw.get('tags')),
    }


def _registered_model(raw):
    return {
        'name': raw.get('name'),
        'description': raw.get('description') or '',
        'tags': _tags_to_dict(raw.get('tags')),
        'aliases': dict((a['alias'], str(a['version'])) for a in raw.get('aliases') or []),
        'latest_versions': [normalize_model_version(v) for v in raw.get('latest_versions') or []],
    }


def get_registered_model(client, name):
    try:
        data = client.get(API + '/registered-models/get', query={'name': name})
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return _registered_model(data['registered_model'])


def search_model_versions(client, name):
    """Every version of one registered model, oldest first."""
    versions, token = [], None
    escaped = name.replace("'", "\\'")
    while True:
        query = {'filter': "name='%s'" % escaped, 'max_results': 1000, 'page_token': token}
        data = client.get(API + '/model-versions/search', query=query) or {}
        versions.extend(normalize_model_version(v) for v in data.get('model_versions', []))
        token = data.get('next_page_token')
        if not token:
            return sorted(versions, key=lambda v: int(v['version']))


def search_registered_models(client, filter_string=None, limit=None):
    """Every registered model matching; None when there are more than limit."""
    models, token = [], None
    while True:
        query = {'max_results': 1000, 'filter': filter_string, 'page_token': token}
        data = client.get(API + '/registered-models/search', query=query) or {}
        models.extend(_registered_model(m) for m in data.get('registered_models', []))
        if limit is not None and len(models) > limit:
            return None
        token = data.get('next_page_token')
        if not token:
            return models


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
