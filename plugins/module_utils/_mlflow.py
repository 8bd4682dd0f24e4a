# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""MLflow through its REST API (/api/2.0/mlflow): no `mlflow` package is needed where this runs.

This file is the service base: connection options and client (MlflowOperation), the tag helpers and the
getters several modules share (experiments, registered models, model versions). Each
module's logic is in its own file named after it: _mlflow_experiment.py, _mlflow_registered_model.py,
_mlflow_model_version.py, _mlflow_user.py, _mlflow_permission.py, _mlflow_migrate.py.

Facts the code relies on (MLflow 3.x, checked against a real server in tests/):
- RESOURCE_ALREADY_EXISTS is HTTP 400, RESOURCE_DOES_NOT_EXIST 404, INVALID_STATE 500.
- Every "set" endpoint is a POST but idempotent, so it is safe to retry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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


def _search(client, path, key, convert, query, limit=None):
    """Every item of a paginated MLflow search (``next_page_token``), converted; None when there are more
    than limit. A read: GET (MLflow serves search endpoints on GET and POST)."""
    items, token = [], None
    while True:
        data = client.get(API + path, query=dict(query, page_token=token)) or {}
        items.extend(convert(item) for item in data.get(key, []))
        if limit is not None and len(items) > limit:
            return None
        token = data.get('next_page_token')
        if not token:
            return items


def search_experiments(client, view_type='ACTIVE_ONLY', filter_string=None, limit=None):
    """Every experiment matching; None when there are more than limit."""
    query = {'max_results': 1000, 'view_type': view_type, 'filter': filter_string or None}
    return _search(client, '/experiments/search', 'experiments', _experiment, query, limit)


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
    query = {'filter': "name='%s'" % name.replace("'", "\\'"), 'max_results': 1000}
    versions = _search(client, '/model-versions/search', 'model_versions', normalize_model_version, query)
    return sorted(versions, key=lambda v: int(v['version']))


def search_registered_models(client, filter_string=None, limit=None):
    """Every registered model matching; None when there are more than limit."""
    query = {'max_results': 1000, 'filter': filter_string}
    return _search(client, '/registered-models/search', 'registered_models', _registered_model, query, limit)
