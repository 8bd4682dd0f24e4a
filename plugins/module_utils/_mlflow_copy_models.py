# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of maestro.platform.mlflow_migrate. Not a public API; it may change at any time.
"""The copy steps of mlflow_migrate for registered models, their versions, the MLflow 3 logged models behind them
and their aliases (ModelCopy, mixed into Migration). The server facts they rely on are listed in
_mlflow_migrate.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    API,
    get_registered_model,
    search_model_versions,
    search_registered_models,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_copy import (
    MIGRATED_FROM,
    ArtifactTree,
    own_tags,
    proxied_path,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_model_source import (
    RUNS_URI,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
)

# where MLflow 3 keeps a logged model: models:/m-<id>, or its artifact location <experiment root>/models/m-<id>/artifacts
LOGGED_MODEL_SOURCE = re.compile(r'^(?:models:/(m-[0-9a-f]+)/*|.*/models/(m-[0-9a-f]+)/artifacts/*)$')


class ModelCopy:
    """Copies registered models to the destination (mixed into Migration: self.src, self.dst, self.copies ...)."""

    # -- registered models ----------------------------------------------------------------------------------
    def source_models(self):
        wanted = self.params.get('models')
        if wanted is None:
            return sorted(search_registered_models(self.src), key=lambda m: m['name'])
        models = []
        for name in wanted:
            model = get_registered_model(self.src, name)
            if model is None:
                raise ModuleFailure("models: '%s' not found on the source server" % name)
            models.append(model)
        return models

    def migrate_model(self, model):
        target = get_registered_model(self.dst, model['name'])
        changed = target is None
        if target is None and not self.check_mode:
            self.dst.post(API + '/registered-models/create', {
                'name': model['name'], 'description': model['description'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(model['tags'].items())]})
        elif target is not None:
            changed = self.update_model(model, target)
        versions = self.migrate_versions(model['name'], target is not None)
        changed = self.set_aliases(model, target, versions) or changed
        if changed:
            self.plan['models'].append(model['name'])

    def update_model(self, model, target):
        tags = dict((k, v) for k, v in model['tags'].items() if target['tags'].get(k) != v)
        describe = model['description'] and model['description'] != target['description']
        if not self.check_mode:
            if describe:
                self.dst.patch(API + '/registered-models/update',
                               {'name': model['name'], 'description': model['description']}, idempotent=True)
            for key, value in sorted(tags.items()):
                self.dst.post(API + '/registered-models/set-tag',
                              {'name': model['name'], 'key': key, 'value': value}, idempotent=True)
        return bool(tags or describe)

    def migrate_versions(self, name, exists):
        """{source version: destination version} of every version copied, now or before."""
        mapping, stages = {}, {}
        if exists:
            for version in search_model_versions(self.dst, name):
                if version['tags'].get(MIGRATED_FROM):
                    mapping[version['tags'][MIGRATED_FROM]] = version['version']
                    stages[version['version']] = version['current_stage']
        for version in search_model_versions(self.src, name):
            label = '%s/%s' % (name, version['version'])
            self.doing = 'copying model version %s' % label
            if version['version'] in mapping:
                if stages[mapping[version['version']]] != version['current_stage']:  # a copy cut short
                    self.plan['model_versions'].append(label + ' (stage)')
                    self.transition(name, mapping[version['version']], version['current_stage'])
                continue
            source, run_id, model_id, reason = self.version_source(version)
            if reason:
                self.skip('model_version', label, reason)
                continue
            self.plan['model_versions'].append(label)
            mapping[version['version']] = self.create_version(version, source, run_id, model_id)
        return mapping

    def version_source(self, version):
        """(destination source, run id, logged model id or None, None), or (None, None, None, why it is skipped)."""
        if version['status'] not in (None, 'READY'):
            return None, None, None, 'status %s on the source server' % version['status']
        origin = version['run_id']
        copy = self.copies.get(origin) if origin else None
        if copy is None and not (self.check_mode and origin in self.planned_runs):
            return None, None, None, ('its run %s is not migrated (deleted, or in an experiment not migrated)'
                                      % origin if origin else 'it has no run to carry its artifacts')
        run_info = (copy or {'info': {}})['info']
        source, run_id = version['source'] or '', run_info.get('run_id')
        runs = RUNS_URI.match(source)
        root = self.source_roots.get(origin, '').rstrip('/')
        if runs:
            return 'runs:/%s/%s' % (run_id, runs.group(2)), run_id, None, None
        if root and source.startswith(root + '/'):
            return run_info.get('artifact_uri', '').rstrip('/') + source[len(root):], run_id, None, None
        return self.logged_model_source(version, copy, run_id)

    def logged_model_source(self, version, copy, run_id):
        """version_source of a version registered from a logged model (MLflow 3)."""
        logged = LOGGED_MODEL_SOURCE.match(version['source'] or '')
        if logged and self.check_mode:
            return None, None, None, None  # the logged model would be copied with the version
        if logged:
            model = self.copy_logged_model(logged.group(1) or logged.group(2), copy)
            if model is not None:
                return model['artifact_uri'], run_id, model['model_id'], None
        return None, None, None, ('its source %s is neither among its run\'s artifacts nor a logged model behind '
                                  'the artifact proxy: not migrated' % version['source'])

    def copy_logged_model(self, model_id, run_copy):
        """The destination's copy of an MLflow 3 logged model (created, its artifacts copied, finalized), or None
        when its artifacts are not behind the source's artifact proxy."""
        model = self.src.get(API + '/logged-models/' + model_id)['model']
        info = model['info']
        if proxied_path(info.get('artifact_uri')) is None:
            return None
        experiment_id = run_copy['info']['experiment_id']
        target = self.find_logged_copy(experiment_id, info.get('name'), model_id)
        if target is None:
            tags = dict(own_tags(dict((t['key'], t.get('value', '')) for t in info.get('tags') or [])),
                        **{MIGRATED_FROM: model_id})
            target = self.dst.post(API + '/logged-models', {
                'experiment_id': experiment_id, 'name': info.get('name'), 'model_type': info.get('model_type') or '',
                'source_run_id': run_copy['info']['run_id'], 'params': (model.get('data') or {}).get('params') or [],
                'tags': [{'key': k, 'value': v} for k, v in sorted(tags.items())]})['model']['info']
            self.dst.post(API + '/runs/outputs', {'run_id': run_copy['info']['run_id'],
                                                  'models': [{'model_id': target['model_id'], 'step': 0}]})
        if target.get('status') != 'LOGGED_MODEL_READY':
            self.copy_artifacts(ArtifactTree(self.src, proxied_path(info['artifact_uri'])),
                                ArtifactTree(self.dst, proxied_path(target['artifact_uri'])), True)
            self.dst.patch(API + '/logged-models/' + target['model_id'],
                           {'model_id': target['model_id'], 'status': 'LOGGED_MODEL_READY'}, idempotent=True)
        return target

    def find_logged_copy(self, experiment_id, name, model_id):
        token = None
        while True:
            body = {'experiment_ids': [experiment_id], 'filter': "name = '%s'" % (name or '').replace("'", "\\'"),
                    'max_results': 100}
            if token:
                body['page_token'] = token
            data = self.dst.post(API + '/logged-models/search', body, idempotent=True) or {}
            for found in data.get('models') or []:
                if any(t['key'] == MIGRATED_FROM and t.get('value') == model_id
                       for t in found['info'].get('tags') or []):
                    return found['info']
            token = data.get('next_page_token')
            if not token:
                return None

    def create_version(self, version, source, run_id, model_id):
        if self.check_mode:
            return None
        tags = dict(own_tags(version['tags']), **{MIGRATED_FROM: version['version']})
        body = {'name': version['name'], 'source': source, 'run_id': run_id,
                'description': version['description'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(tags.items())]}
        if model_id:
            body['model_id'] = model_id
        created = self.dst.post(API + '/model-versions/create', body)['model_version']
        if version['current_stage'] not in (None, 'None'):
            self.transition(version['name'], str(created['version']), version['current_stage'])
        return str(created['version'])

    def transition(self, name, version, stage):
        if not self.check_mode:
            self.dst.post(API + '/model-versions/transition-stage', {
                'name': name, 'version': version, 'stage': stage, 'archive_existing_versions': False},
                idempotent=True)

    def set_aliases(self, model, target, versions):
        changed = False
        current = (target or {}).get('aliases') or {}
        for alias, version in sorted(model['aliases'].items()):
            if version not in versions:
                self.skip('alias', '%s@%s' % (model['name'], alias), 'its version %s is not migrated' % version)
                continue
            if versions[version] is not None and current.get(alias) == versions[version]:
                continue
            changed = True
            if not self.check_mode:
                self.dst.post(API + '/registered-models/alias', {
                    'name': model['name'], 'alias': alias, 'version': versions[version]}, idempotent=True)
        return changed
