# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""A version of an MLflow registered model (mlflow_model_version): registered from a run, a logged model or a
source URI, with its description, tags and (deprecated) stage."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    API,
    MlflowOperation,
    apply_tags,
    check_tags,
    desired_tags,
    get_registered_model,
    normalize_model_version,
    search_model_versions,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_model_source import (
    LOGGED_MODEL_URI,
    RUNS_URI,
    get_logged_model,
    get_run,
    run_has_mlmodel,
    run_logged_model,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
    Resource,
    require_name,
)

STAGES = ('None', 'Staging', 'Production', 'Archived')


class ModelVersion(MlflowOperation, Resource):
    result_key = 'model_version'
    complete_desired = True
    kind = 'MLflow model version'
    module_options = dict(  # generated from plugins/modules/mlflow_model_version.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True, aliases=['model_name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        source=dict(type='str'),
        run_id=dict(type='str'),
        model_id=dict(type='str'),
        version=dict(type='str'),
        description=dict(type='str'),
        tags=dict(type='dict'),
        purge_tags=dict(type='bool', default=False),
        stage=dict(type='str', choices=['None', 'Staging', 'Production', 'Archived']),
        archive_existing_versions=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
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
        self.tags = check_tags(self.params.get('tags'))
        self._check_origin()
        self.resolved = None
        version = self.params.get('version')
        if version is not None and not re.match(r'^[1-9]\d*$', version):
            raise ModuleFailure('version must be a positive version number, got %r' % version)
        if self.params.get('stage') is not None:
            self.deprecate('stage: MLflow deprecated model version stages in 2.9; they still work, but '
                           'aliases on maestro.platform.mlflow_registered_model are the replacement',
                           version='2.0.0')
        self.model = None

    def _check_origin(self):
        """source, run_id and model_id are non-empty and name one run and one logged model."""
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
            source, run_id = self._logged_model_origin(model_id, source, run_id, bool(runs or logged))
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

    def _logged_model_origin(self, model_id, source, run_id, source_names_model):
        """(source, run_id) registering the logged model model_id."""
        model = get_logged_model(self.client, model_id, 'model_id' if self.params.get('model_id') else 'source')
        if run_id and model.get('source_run_id') and run_id != model['source_run_id']:
            raise ModuleFailure("run_id '%s' is not the run that logged model '%s' (%s)"
                                % (run_id, model_id, model['source_run_id']))
        # a runs:/ or models:/m-... source names the model: register its artifact location, the same
        # source whichever way the model was named (source runs:/, source models:/m-..., model_id)
        source = source if source and not source_names_model else model.get('artifact_uri')
        return source, run_id or model.get('source_run_id') or None

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
            return normalize_model_version(data['model_version'])
        source, run_id = self._wanted_origin()
        # MLflow 3.17's REST answers leave a version's model_id out (ModelVersion.to_proto): a logged model is
        # recognised by its source, the logged model's own artifact location
        for candidate in search_model_versions(self.client, name):
            if (source is None or candidate['source'] == source) and \
                    (run_id is None or candidate['run_id'] == run_id):
                return candidate  # the oldest match: the same source/run is never registered twice
        return None

    def _wanted_origin(self):
        """(source, run_id) of the version to look for among the model's versions."""
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
        return source, run_id

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
            'tags': desired_tags(current.get('tags'), self.tags, self.params['purge_tags']),
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
        created = normalize_model_version(self.client.post(API + '/model-versions/create', body)['model_version'])
        self.params['version'] = created['version']  # re-read this exact version
        if desired['current_stage'] != 'None':
            self._transition(created['version'], desired['current_stage'])

    def update(self, current, desired):
        name, version = current['name'], current['version']
        if desired['description'] != current['description']:
            self.client.patch(API + '/model-versions/update',
                              {'name': name, 'version': version, 'description': desired['description']},
                              idempotent=True)
        apply_tags(
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
