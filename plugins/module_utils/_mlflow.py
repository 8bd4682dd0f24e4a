# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""MLflow through its REST API (/api/2.0/mlflow): no `mlflow` package is needed where this runs.

Facts the code relies on (MLflow 3.x, checked against a real server in tests/):
- RESOURCE_ALREADY_EXISTS is HTTP 400, RESOURCE_DOES_NOT_EXIST 404, INVALID_STATE 500.
- Deleting an experiment is a soft delete: the name stays taken, get-by-name still finds it with
  lifecycle_stage=deleted, and restore brings it back with the same id.
- Every "set" endpoint is a POST but idempotent, so it is safe to retry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    http_client,
    READ_AHEAD_LIMIT,
    Info,
    ModuleFailure,
    Resource,
    desired_mapping,
    mapping_changes,
    require_name,
)

API = '/api/2.0/mlflow'
SYSTEM_TAG_PREFIX = 'mlflow.'
RESERVED_ALIAS = re.compile(r'^(latest|v\d+)$', re.IGNORECASE)
ALIAS_NAME = re.compile(r'^[\w\-]+$')
STAGES = ('None', 'Staging', 'Production', 'Archived')


class MlflowOperation:
    """Connection options and client for every MLflow module (mixed into Resource / Info)."""

    service = 'mlflow'
    connection_options = dict(
        tracking_uri=dict(type='str', required=True, fallback=(env_fallback, ['MLFLOW_TRACKING_URI'])),
        username=dict(type='str', fallback=(env_fallback, ['MLFLOW_TRACKING_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_PASSWORD'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['MLFLOW_TRACKING_TOKEN'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path', fallback=(env_fallback, ['MLFLOW_TRACKING_SERVER_CERT_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['MLFLOW_HTTP_REQUEST_TIMEOUT'])),
    )
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


def _check_tags(tags, field='tags'):
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


def _desired_tags(current, wanted, purge):
    """User tags as they should be; MLflow's own mlflow.* tags are never purged."""
    current = current or {}
    result = desired_mapping(current, wanted, purge)
    result.update(dict((k, v) for k, v in current.items() if k.startswith(SYSTEM_TAG_PREFIX)))
    return result


def _apply_tags(current, desired, set_tag, delete_tag):
    to_set, to_remove = mapping_changes(current, desired)
    for key, value in sorted(to_set.items()):
        set_tag(key, value)
    for key in to_remove:
        delete_tag(key)


TAG_OPTIONS = dict(
    tags=dict(type='dict'),
    purge_tags=dict(type='bool', default=False),
)


# -- experiments ---------------------------------------------------------------------------------
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


class Experiment(MlflowOperation, Resource):
    result_key = 'experiment'
    complete_desired = True
    kind = 'MLflow experiment'
    module_options = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        artifact_location=dict(type='str'),
        **TAG_OPTIONS
    )

    def validate(self):
        require_name(self.params)
        self.tags = _check_tags(self.params.get('tags'))
        location = self.params.get('artifact_location')
        if location is not None and not location.strip():
            raise ModuleFailure('artifact_location must be a non-empty URI such as s3://bucket/path, or left '
                                'unset to use the server default')

    def read(self):
        return get_experiment(self.client, self.params['name'])

    def batch_scope(self):
        return 'experiments'

    def read_batch(self):
        # Deleted ones too: a soft-deleted experiment is a tombstone to restore, as get-by-name returns it.
        experiments = search_experiments(self.client, 'ALL', limit=READ_AHEAD_LIMIT)
        return None if experiments is None else dict((e['name'], e) for e in experiments)

    def exists(self, current):
        return current is not None and current['lifecycle_stage'] != 'deleted'

    def validate_against(self, current):
        wanted = self.params.get('artifact_location')
        if current and wanted is not None and wanted.rstrip('/') != (current['artifact_location'] or '').rstrip('/'):
            raise ModuleFailure(
                "artifact_location can only be set when an experiment is created: %s already stores "
                "artifacts at %r, not %r. Remove artifact_location from the task, or use a new experiment "
                "name." % (self.describe(), current['artifact_location'], wanted))

    def desired(self, current):
        return {
            'experiment_id': current['experiment_id'] if current else None,
            'name': self.params['name'],
            'artifact_location': current['artifact_location'] if current else self.params.get('artifact_location'),
            'lifecycle_stage': 'active',
            'tags': _desired_tags(current['tags'] if current else {}, self.tags, self.params['purge_tags']),
        }

    def create(self, desired):
        body = {'name': desired['name'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(desired['tags'].items())]}
        if desired['artifact_location']:
            body['artifact_location'] = desired['artifact_location']
        self.client.post(API + '/experiments/create', body)

    def restore(self, tombstone, desired):
        # A soft-deleted experiment keeps its name: restoring keeps its id, runs and artifacts.
        self.update(tombstone, desired)

    def update(self, current, desired):
        exp_id = current['experiment_id']
        if current['lifecycle_stage'] == 'deleted':
            self.client.post(API + '/experiments/restore', {'experiment_id': exp_id}, idempotent=True)
        _apply_tags(
            current['tags'], desired['tags'],
            lambda k, v: self.client.post(API + '/experiments/set-experiment-tag',
                                          {'experiment_id': exp_id, 'key': k, 'value': v}, idempotent=True),
            lambda k: self.client.post(API + '/experiments/delete-experiment-tag',
                                       {'experiment_id': exp_id, 'key': k}, idempotent=True))

    def delete(self, current):
        self.client.post(API + '/experiments/delete', {'experiment_id': current['experiment_id']},
                         idempotent=True)

    def absent_view(self, current):
        return dict(current, lifecycle_stage='deleted')


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


class ExperimentInfo(MlflowOperation, Info):
    module_options = dict(
        name=dict(type='str'),
        filter=dict(type='str'),
        view_type=dict(type='str', default='active_only', choices=['active_only', 'deleted_only', 'all']),
    )
    module_kwargs = dict(MlflowOperation.module_kwargs, mutually_exclusive=(
        MlflowOperation.module_kwargs['mutually_exclusive'] + [('name', 'filter')]))

    def run(self):
        name = self.params.get('name')
        if name is not None:
            require_name(self.params)
            found = get_experiment(self.client, name)
            view = self.params['view_type']
            if found and view != 'all' and (found['lifecycle_stage'] == 'deleted') != (view == 'deleted_only'):
                found = None
            experiments = [found] if found else []
        else:
            experiments = search_experiments(self.client, self.params['view_type'].upper(),
                                             self.params.get('filter'))
        return {'changed': False, 'experiments': experiments}


# -- registered models ---------------------------------------------------------------------------
def _model_version(raw):
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
        'latest_versions': [_model_version(v) for v in raw.get('latest_versions') or []],
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
        versions.extend(_model_version(v) for v in data.get('model_versions', []))
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


class RegisteredModel(MlflowOperation, Resource):
    result_key = 'registered_model'
    complete_desired = True
    kind = 'MLflow registered model'
    module_options = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        aliases=dict(type='dict'),
        purge_aliases=dict(type='bool', default=False),
        **TAG_OPTIONS
    )

    def validate(self):
        require_name(self.params)
        self.tags = _check_tags(self.params.get('tags'))
        self.aliases = None
        if self.params.get('aliases') is not None:
            self.aliases = {}
            for alias, version in self.params['aliases'].items():
                if not isinstance(alias, str) or not ALIAS_NAME.match(alias) or len(alias) > 255:
                    raise ModuleFailure('aliases: %r is not a valid alias name (letters, digits, _ and -, '
                                        'at most 255 characters)' % (alias,))
                if RESERVED_ALIAS.match(alias):
                    raise ModuleFailure("aliases: %r is reserved by MLflow ('latest' and 'v<number>' name "
                                        "versions already); choose another alias name" % alias)
                if isinstance(version, bool) or not re.match(r'^\d+$', str(version)):
                    raise ModuleFailure('aliases: alias %r must point to a version number, got %r'
                                        % (alias, version))
                self.aliases[alias] = str(int(str(version)))

    def read(self):
        return get_registered_model(self.client, self.params['name'])

    def batch_scope(self):
        return 'registered-models'

    def read_batch(self):
        models = search_registered_models(self.client, limit=READ_AHEAD_LIMIT)
        return None if models is None else dict((m['name'], m) for m in models)

    def validate_against(self, current):
        if not self.aliases:
            return
        existing = set(v['version'] for v in search_model_versions(self.client, self.params['name'])) \
            if current else set()
        missing = sorted((a, v) for a, v in self.aliases.items() if v not in existing)
        if missing:
            raise ModuleFailure('aliases: %s of %s point to versions that do not exist (%s). Register the '
                                'versions first with maestro.platform.mlflow_model_version.'
                                % (', '.join(alias for alias, version in missing), self.describe(),
                                   ', '.join('version %s' % version for alias, version in missing)))

    def desired(self, current):
        description = self.params.get('description')
        return {
            'name': self.params['name'],
            'description': description if description is not None else (current or {}).get('description', ''),
            'tags': _desired_tags((current or {}).get('tags'), self.tags, self.params['purge_tags']),
            'aliases': desired_mapping((current or {}).get('aliases'), self.aliases, self.params['purge_aliases']),
            'latest_versions': (current or {}).get('latest_versions', []),
        }

    def create(self, desired):
        body = {'name': desired['name'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(desired['tags'].items())]}
        if desired['description']:
            body['description'] = desired['description']
        self.client.post(API + '/registered-models/create', body)
        # A new model has no versions, so validate_against has already refused any alias.

    def update(self, current, desired):
        name = current['name']
        if desired['description'] != current['description']:
            self.client.patch(API + '/registered-models/update',
                              {'name': name, 'description': desired['description']}, idempotent=True)
        _apply_tags(
            current['tags'], desired['tags'],
            lambda k, v: self.client.post(API + '/registered-models/set-tag',
                                          {'name': name, 'key': k, 'value': v}, idempotent=True),
            lambda k: self.client.delete(API + '/registered-models/delete-tag', body={'name': name, 'key': k}))
        _apply_tags(
            current['aliases'], desired['aliases'],
            lambda a, v: self.client.post(API + '/registered-models/alias',
                                          {'name': name, 'alias': a, 'version': v}, idempotent=True),
            lambda a: self.client.delete(API + '/registered-models/alias', body={'name': name, 'alias': a}))

    def delete(self, current):
        self.client.delete(API + '/registered-models/delete', body={'name': current['name']})


class RegisteredModelInfo(MlflowOperation, Info):
    module_options = dict(
        name=dict(type='str'),
        filter=dict(type='str'),
        include_versions=dict(type='bool', default=False),
    )
    module_kwargs = dict(MlflowOperation.module_kwargs, mutually_exclusive=(
        MlflowOperation.module_kwargs['mutually_exclusive'] + [('name', 'filter')]))

    def run(self):
        if self.params.get('name') is not None:
            require_name(self.params)
            found = get_registered_model(self.client, self.params['name'])
            models = [found] if found else []
        else:
            models = search_registered_models(self.client, self.params.get('filter'))
        if self.params['include_versions']:
            for model in models:
                model['versions'] = search_model_versions(self.client, model['name'])
        return {'changed': False, 'registered_models': models}


# -- model versions ------------------------------------------------------------------------------
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


class ModelVersion(MlflowOperation, Resource):
    result_key = 'model_version'
    complete_desired = True
    kind = 'MLflow model version'
    module_options = dict(
        name=dict(type='str', required=True, aliases=['model_name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        source=dict(type='str'),
        run_id=dict(type='str'),
        model_id=dict(type='str'),
        version=dict(type='str'),
        description=dict(type='str'),
        stage=dict(type='str', choices=list(STAGES)),
        archive_existing_versions=dict(type='bool', default=False),
        **TAG_OPTIONS
    )
    module_kwargs = dict(MlflowOperation.module_kwargs,
                         required_one_of=[('source', 'run_id', 'model_id', 'version')])

    def describe(self):
        p = self.params
        origin = p.get('source') or ('logged model %s' % p['model_id'] if p.get('model_id')
                                     else 'run %s' % p.get('run_id'))
        what = 'version %s' % p['version'] if p.get('version') else 'version from %s' % origin
        return "%s of model '%s'" % (what, self.params.get('name'))

    def validate(self):
        require_name(self.params)
        self.tags = _check_tags(self.params.get('tags'))
        for field in ('source', 'run_id', 'model_id'):
            value = self.params.get(field)
            if value is not None and not value.strip():
                raise ModuleFailure('%s must be a non-empty string when given' % field)
        source, run_id = self.params.get('source') or '', self.params.get('run_id')
        runs = RUNS_URI.match(source)
        if source.startswith('runs:/') and not runs:
            raise ModuleFailure('source %r is not a run URI: write runs:/<run_id>/<artifact path>, e.g. '
                                'runs:/%s/model' % (source, run_id or '<run_id>'))
        if runs and run_id and runs.group(1) != run_id:
            raise ModuleFailure("source names run '%s' but run_id is '%s': give one run" % (runs.group(1), run_id))
        logged = LOGGED_MODEL_URI.match(source)
        if logged and self.params.get('model_id') and logged.group(1) != self.params['model_id']:
            raise ModuleFailure("source names logged model '%s' but model_id is '%s': give one model"
                                % (logged.group(1), self.params['model_id']))
        self.resolved = None
        version = self.params.get('version')
        if version is not None and not re.match(r'^[1-9]\d*$', version):
            raise ModuleFailure('version must be a positive version number, got %r' % version)
        if self.params.get('stage') is not None:
            self.deprecate('stage: MLflow deprecated model version stages in 2.9; they still work, but '
                           'aliases on maestro.platform.mlflow_registered_model are the replacement',
                           version='2.0.0')
        self.model = None

    def _resolve(self):
        """What to register, as MLflow 3's client does it (mlflow/tracking/_model_registry/fluent.py
        _register_model, client.py _create_model_version): a runs:/<run>/<path> source whose run logged a model
        named <path> becomes that logged model, registered with its model_id and its artifact location (the
        REST API refuses a models:/m-... source without model_id, and a runs:/ source of a logged model
        registers a version with no MLmodel behind it). A run that keeps an MLmodel among its own artifacts
        (MLflow 2) is registered from the runs:/ source as given. {'source', 'run_id', 'model_id'}."""
        if self.resolved is not None:
            return self.resolved
        p = self.params
        source, run_id, model_id = p.get('source'), p.get('run_id'), p.get('model_id')
        logged = LOGGED_MODEL_URI.match(source or '')
        model_id = model_id or (logged.group(1) if logged else None)
        runs = RUNS_URI.match(source or '')
        if model_id:
            model = get_logged_model(self.client, model_id, 'model_id' if p.get('model_id') else 'source')
            if run_id and model.get('source_run_id') and run_id != model['source_run_id']:
                raise ModuleFailure("run_id '%s' is not the run that logged model '%s' (%s)"
                                    % (run_id, model_id, model['source_run_id']))
            # a runs:/ or models:/m-... source names the model: register its artifact location, the same
            # source whichever way the model was named (source runs:/, source models:/m-..., model_id)
            source = source if source and not (runs or logged) else model.get('artifact_uri')
            run_id = run_id or model.get('source_run_id') or None
        elif runs:
            run_id, path = runs.group(1), runs.group(2)
            run = get_run(self.client, run_id, 'source')
            model = run_logged_model(self.client, run, path)
            if model is not None:
                source, model_id = model['artifact_uri'], model['model_id']
            elif not run_has_mlmodel(self.client, run_id, path):
                raise ModuleFailure("source %s: run '%s' has no model '%s': no logged model of that name and no "
                                    "MLmodel file at that path among the run's artifacts" % (source, run_id, path))
        self.resolved = {'source': source, 'run_id': run_id, 'model_id': model_id}
        return self.resolved

    def read(self):
        name = self.params['name']
        if self.model is None:
            self.model = get_registered_model(self.client, name)
            if self.model is None:
                if self.params['state'] == 'absent':
                    return None
                raise ModuleFailure("registered model '%s' does not exist (name): create it first with "
                                    "maestro.platform.mlflow_registered_model" % name)
        if self.params.get('version'):
            try:
                data = self.client.get(API + '/model-versions/get',
                                       query={'name': name, 'version': self.params['version']})
            except ApiError as exc:
                if exc.status == 404:
                    return None
                raise
            return _model_version(data['model_version'])
        p = self.params
        source, run_id = p.get('source'), p.get('run_id')
        if RUNS_URI.match(source or '') or LOGGED_MODEL_URI.match(source or '') or p.get('model_id'):
            try:
                wanted = self._resolve()
                source, run_id = wanted['source'], wanted['run_id']
            except ModuleFailure:
                if p['state'] == 'present':
                    raise
                # absent: the run or model is gone; look for a version registered from the source as given
        # MLflow 3.17's REST answers leave a version's model_id out (ModelVersion.to_proto): a logged model is
        # recognised by its source, the logged model's own artifact location
        for candidate in search_model_versions(self.client, name):
            if (source is None or candidate['source'] == source) and \
                    (run_id is None or candidate['run_id'] == run_id):
                return candidate  # the oldest match: the same source/run is never registered twice
        return None

    def validate_against(self, current):
        if current is None and self.params.get('version'):
            raise ModuleFailure("version %s of model '%s' does not exist; to register a new version, give "
                                "source and/or run_id without version" % (self.params['version'],
                                                                          self.params['name']))
        if current is None and not any(self.params.get(f) for f in ('source', 'run_id', 'model_id')):
            raise ModuleFailure('source, run_id or model_id is required to register a new model version')
        if current is None and self.params.get('run_id') and not self.resolved:
            get_run(self.client, self.params['run_id'], 'run_id')  # MLflow registers a version of any run id

    def desired(self, current):
        wanted = self.resolved or dict((f, self.params.get(f)) for f in ('source', 'run_id', 'model_id'))
        current = current or {}
        description = self.params.get('description')
        return {
            'name': self.params['name'],
            'version': current.get('version'),
            'source': current.get('source', wanted.get('source')),
            'run_id': current.get('run_id', wanted.get('run_id')),
            'description': description if description is not None else current.get('description', ''),
            'current_stage': self.params.get('stage') or current.get('current_stage', 'None'),
            'status': current.get('status', 'READY'),
            'aliases': current.get('aliases', []),
            'tags': _desired_tags(current.get('tags'), self.tags, self.params['purge_tags']),
        }

    def create(self, desired):
        body = {'name': desired['name'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(desired['tags'].items())]}
        for field in ('source', 'run_id', 'description'):
            if desired.get(field):
                body[field] = desired[field]
        if (self.resolved or {}).get('model_id'):
            body['model_id'] = self.resolved['model_id']
        if not body.get('source') and body.get('run_id'):
            raise ModuleFailure('source is required when registering a new version: MLflow needs the model '
                                'artifact location, e.g. runs:/<run_id>/model (or give model_id)')
        created = _model_version(self.client.post(API + '/model-versions/create', body)['model_version'])
        self.params['version'] = created['version']  # re-read this exact version
        if desired['current_stage'] != 'None':
            self._transition(created['version'], desired['current_stage'])

    def update(self, current, desired):
        name, version = current['name'], current['version']
        if desired['description'] != current['description']:
            self.client.patch(API + '/model-versions/update',
                              {'name': name, 'version': version, 'description': desired['description']},
                              idempotent=True)
        _apply_tags(
            current['tags'], desired['tags'],
            lambda k, v: self.client.post(API + '/model-versions/set-tag',
                                          {'name': name, 'version': version, 'key': k, 'value': v},
                                          idempotent=True),
            lambda k: self.client.delete(API + '/model-versions/delete-tag',
                                         body={'name': name, 'version': version, 'key': k}))
        if desired['current_stage'] != current['current_stage']:
            self._transition(version, desired['current_stage'])

    def _transition(self, version, stage):
        self.client.post(API + '/model-versions/transition-stage',
                         {'name': self.params['name'], 'version': version, 'stage': stage,
                          'archive_existing_versions': self.params['archive_existing_versions']},
                         idempotent=True)

    def delete(self, current):
        self.client.delete(API + '/model-versions/delete',
                           body={'name': current['name'], 'version': current['version']})
        self.params['version'] = current['version']
