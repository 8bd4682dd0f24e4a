# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.mlflow_migrate. Not a public API; it may change at any time.
"""Copy experiments, runs and registered models from one MLflow tracking server to another over REST.

How a rerun knows what is done (so a migration is idempotent and resumable):
- an experiment is matched by name on the destination (created there when missing);
- every copied run carries the tag ``maestro.migrated_from`` = the source run id, set when the copy is created,
  and ``maestro.migration`` = ``incomplete`` until its params, tags, metric histories, artifacts, status and end
  time are all written; a copy that still carries it is resumed (only what is missing is written again);
- every copied model version carries ``maestro.migrated_from`` = the source version number.

Server facts relied on (MLflow 3.17, mlflow/server/handlers.py):
- metrics/get-history pages with max_results + page_token (_get_metric_history);
- runs/log-batch takes at most 1000 metrics, 100 params, 100 tags and 1000 entities per request
  (mlflow/utils/validation.py MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH, MAX_ENTITIES_PER_BATCH);
- the artifact proxy (mlflow server --artifacts-destination, serve-artifacts on by default) lists with
  GET /api/2.0/mlflow-artifacts/artifacts?path= (base names, is_dir), downloads with GET and uploads with PUT
  /api/2.0/mlflow-artifacts/artifacts/<path>, the path relative to the server's artifact root
  (_list_artifacts_mlflow_artifacts, _download_artifact, _upload_artifact); a run stored outside the proxy is
  read through /api/2.0/mlflow/artifacts/list and /get-artifact, which the tracking server serves itself;
- model-versions/create accepts a runs:/<run>/<path> source only with the same run_id (_validate_source_run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import quote  # type: ignore
    from urlparse import urlsplit  # type: ignore

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    API,
    RUNS_URI,
    MlflowOperation,
    get_experiment,
    get_registered_model,
    search_experiments,
    search_model_versions,
    search_registered_models,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Operation

MIGRATED_FROM = 'maestro.migrated_from'
IN_PROGRESS = 'maestro.migration'
ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts'
HISTORY_PAGE = 25000
# where MLflow 3 keeps a logged model: models:/m-<id>, or its artifact location <experiment root>/models/m-<id>/artifacts
LOGGED_MODEL_SOURCE = re.compile(r'^(?:models:/(m-[0-9a-f]+)/*|.*/models/(m-[0-9a-f]+)/artifacts/*)$')
MAX_METRICS, MAX_PARAMS_TAGS, MAX_ENTITIES = 1000, 100, 1000

SOURCE_OPTIONS = dict(
    tracking_uri=dict(type='str', required=True),
    username=dict(type='str'),
    password=dict(type='str', no_log=True),
    token=dict(type='str', no_log=True),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='int', default=30),
)


class Clients:
    """The two servers of a migration (the operation's client)."""

    def __init__(self, source, destination):
        self.source = source
        self.destination = destination

    def close(self):
        self.source.close()
        self.destination.close()


# -- reading ------------------------------------------------------------------------------------------------
def search_runs(client, experiment_id):
    """Every run of an experiment, deleted ones too (REST form: info, data)."""
    runs, token = [], None
    while True:
        body = {'experiment_ids': [experiment_id], 'run_view_type': 'ALL', 'max_results': 1000}
        if token:
            body['page_token'] = token
        data = client.post(API + '/runs/search', body, idempotent=True) or {}
        runs.extend(data.get('runs') or [])
        token = data.get('next_page_token')
        if not token:
            return runs


def metric_history(client, run_id, key):
    points, token = [], None
    while True:
        query = {'run_id': run_id, 'metric_key': key, 'max_results': HISTORY_PAGE, 'page_token': token}
        data = client.get(API + '/metrics/get-history', query=query) or {}
        points.extend(data.get('metrics') or [])
        token = data.get('next_page_token')
        if not token:
            return points


def _own_tags(tags):
    """Tags to copy: not the migration's own (a server that was itself migrated into carries them)."""
    return dict((k, v) for k, v in tags.items() if k not in (MIGRATED_FROM, IN_PROGRESS))


def _tags(run):
    return dict((t['key'], t.get('value', '')) for t in (run.get('data') or {}).get('tags') or [])


def _params(run):
    return dict((p['key'], p.get('value', '')) for p in (run.get('data') or {}).get('params') or [])


def _run_label(experiment, run):
    info = run['info']
    return '%s/%s (%s)' % (experiment['name'], info.get('run_name') or info['run_id'], info['run_id'])


def proxied_path(uri):
    """The path behind the artifact proxy of an mlflow-artifacts:/ URI, or None for any other URI."""
    parts = urlsplit(uri or '')
    return parts.path.strip('/') if parts.scheme == 'mlflow-artifacts' else None


# -- artifacts ----------------------------------------------------------------------------------------------
class ArtifactTree:
    """Artifacts on one server under root (a path behind its artifact proxy), or, for a source run stored outside
    the proxy (root None), through the tracking server's run-scoped artifact endpoints."""

    def __init__(self, client, root, run_id=None):
        self.client = client
        self.root = root
        self.run_id = run_id

    def list(self, path=''):
        """{relative path: size} of every file under path."""
        found = {}
        if self.root is not None:
            query = {'path': '/'.join(p for p in (self.root, path) if p)}
            files = (self.client.get(ARTIFACTS_API, query=query) or {}).get('files') or []
            entries = [('/'.join(p for p in (path, f['path']) if p), f) for f in files]
        else:
            data = self.client.get(API + '/artifacts/list', query={'run_id': self.run_id, 'path': path or None})
            entries = [(f['path'], f) for f in (data or {}).get('files') or []]
        for relative, entry in entries:
            if entry.get('is_dir'):
                found.update(self.list(relative))
            else:
                found[relative] = int(entry.get('file_size') or 0)
        return found

    def read(self, path):
        if self.root is not None:
            target = ARTIFACTS_API + '/' + quote('%s/%s' % (self.root, path))
            return self.client.request('GET', target, binary=True).body
        return self.client.request('GET', '/get-artifact', query={'run_id': self.run_id, 'path': path},
                                   binary=True).body

    def write(self, path, content):
        self.client.request('PUT', ARTIFACTS_API + '/' + quote('%s/%s' % (self.root, path)), data=content)


# -- the migration ------------------------------------------------------------------------------------------
class Migration(MlflowOperation, Operation):
    """mlflow_migrate: the connection options are the destination's; ``source`` names the old server."""

    module_options = dict(
        source=dict(type='dict', required=True, options=SOURCE_OPTIONS),
        experiments=dict(type='list', elements='str'),
        models=dict(type='list', elements='str'),
    )
    module_kwargs = dict(MlflowOperation.module_kwargs)
    result_key = 'copied'

    @classmethod
    def client_key(cls, params):
        return super(Migration, cls).client_key(params) + (repr(sorted((params.get('source') or {}).items())),)

    @classmethod
    def make_client(cls, params):
        source = params.get('source') or {}
        if source.get('token') and (source.get('username') or source.get('password')):
            raise ModuleFailure('source: give either token or username and password, not both')
        if bool(source.get('username')) != bool(source.get('password')):
            raise ModuleFailure('source: username and password must be given together')
        destination = super(Migration, cls).make_client(params)
        return Clients(MlflowOperation.make_client(source, prefix='source.'), destination)

    def __init__(self, *args, **kwargs):
        super(Migration, self).__init__(*args, **kwargs)
        self.src, self.dst = self.client.source, self.client.destination
        self.plan = dict((kind, []) for kind in ('experiments', 'runs', 'models', 'model_versions'))
        self.skipped = []
        self.stats = dict(metric_points=0, params=0, tags=0, artifact_files=0, artifact_bytes=0)
        self.copies, self.source_roots, self.source_names, self.planned_runs = {}, {}, set(), set()
        self.doing = 'planning the migration'

    def skip(self, kind, name, reason):
        self.skipped.append({'kind': kind, 'name': name, 'reason': reason})

    # -- planning (reads only) ----------------------------------------------------------------------------
    def validate(self):
        for field in ('experiments', 'models'):
            for name in self.params.get(field) or []:
                if not isinstance(name, str) or not name.strip():
                    raise ModuleFailure('%s: every entry must be a non-empty name, got %r' % (field, name))
        if self.src.base_url == self.dst.base_url:
            raise ModuleFailure('source.tracking_uri and tracking_uri are the same server (%s): give the old '
                                'server as source and the new one as tracking_uri' % self.dst.base_url)

    def source_experiments(self):
        found = search_experiments(self.src, 'ALL')
        wanted = self.params.get('experiments')
        if wanted is not None:
            names = set(e['name'] for e in found)
            missing = [n for n in wanted if n not in names]
            if missing:
                raise ModuleFailure('experiments: %s not found on the source server' % ', '.join(missing))
            found = [e for e in found if e['name'] in wanted]
        chosen = []
        for experiment in sorted(found, key=lambda e: e['name']):
            if experiment['lifecycle_stage'] == 'deleted':
                self.skip('experiment', experiment['name'], 'deleted on the source server')
            else:
                chosen.append(experiment)
        return chosen

    def destination_experiments(self):
        existing = dict((e['name'], e) for e in search_experiments(self.dst, 'ALL'))
        for name, experiment in existing.items():
            if experiment['lifecycle_stage'] == 'deleted' and name in self.source_names:
                raise ModuleFailure("experiment '%s' is deleted on the destination server and keeps its name: "
                                    "restore it there (maestro.platform.mlflow_experiment state=present) or "
                                    "remove it from experiments" % name)
            if name in self.source_names:
                _proxied_experiment(experiment)
        return existing

    def plan_runs(self, experiment, target):
        """(source run, destination copy or None) for every active source run not completely copied."""
        copies = {}
        if target is not None:
            for run in search_runs(self.dst, target['experiment_id']):
                origin = _tags(run).get(MIGRATED_FROM)
                if origin:
                    copies[origin] = run
        self.copies.update(copies)
        todo = []
        for run in search_runs(self.src, experiment['experiment_id']):
            info = run['info']
            self.source_roots[info['run_id']] = info.get('artifact_uri') or ''
            if info.get('lifecycle_stage') == 'deleted':
                self.skip('run', _run_label(experiment, run), 'deleted on the source server')
                continue
            copy = copies.get(info['run_id'])
            if copy is None or IN_PROGRESS in _tags(copy):
                todo.append((run, copy))
                self.plan['runs'].append(_run_label(experiment, run) + (' (resumed)' if copy else ''))
        return todo

    # -- writing: experiments and runs ----------------------------------------------------------------------
    def ensure_experiment(self, experiment, target):
        if target is None:
            self.plan['experiments'].append(experiment['name'])
            if self.check_mode:
                return None
            tags = dict(_own_tags(experiment['tags']), **{MIGRATED_FROM: experiment['experiment_id']})
            self.dst.post(API + '/experiments/create', {
                'name': experiment['name'], 'tags': [{'key': k, 'value': v} for k, v in sorted(tags.items())]})
            return _proxied_experiment(get_experiment(self.dst, experiment['name']))
        missing = dict((k, v) for k, v in _own_tags(experiment['tags']).items() if target['tags'].get(k) != v)
        if missing:
            self.plan['experiments'].append(experiment['name'] + ' (tags)')
            for key, value in sorted(missing.items()) if not self.check_mode else ():
                self.dst.post(API + '/experiments/set-experiment-tag', {
                    'experiment_id': target['experiment_id'], 'key': key, 'value': value}, idempotent=True)
        return target

    def copy_run(self, run, copy, experiment_id):
        info = run['info']
        if copy is None:
            body = {'experiment_id': experiment_id, 'run_name': info.get('run_name') or '',
                    'user_id': info.get('user_id') or '',
                    'tags': [{'key': MIGRATED_FROM, 'value': info['run_id']},
                             {'key': IN_PROGRESS, 'value': 'incomplete'}]}
            if info.get('start_time'):
                body['start_time'] = info['start_time']
            copy = self.dst.post(API + '/runs/create', body)['run']
            done_params, done_tags, done_points, resumed = {}, {}, {}, False
        else:
            resumed = True
            done_params, done_tags = _params(copy), _tags(copy)
            done_points = self.copied_points(copy)
        run_id = copy['info']['run_id']
        params = [{'key': k, 'value': v} for k, v in sorted(_params(run).items()) if k not in done_params]
        tags = [{'key': k, 'value': v} for k, v in sorted(_own_tags(_tags(run)).items()) if done_tags.get(k) != v]
        metrics = self.missing_points(run, done_points)
        self.log_batch(run_id, metrics, params, tags)
        self.copy_artifacts(ArtifactTree(self.src, proxied_path(info.get('artifact_uri')), info['run_id']),
                            ArtifactTree(self.dst, proxied_path(copy['info']['artifact_uri'])), resumed)
        update = {'run_id': run_id, 'status': info.get('status') or 'FINISHED'}
        if info.get('end_time'):
            update['end_time'] = info['end_time']
        self.dst.post(API + '/runs/update', update, idempotent=True)
        self.dst.post(API + '/runs/delete-tag', {'run_id': run_id, 'key': IN_PROGRESS}, idempotent=True)
        self.copies[info['run_id']] = copy

    def copied_points(self, copy):
        """{metric key: set of (step, timestamp, value)} already on a copy being resumed."""
        keys = [m['key'] for m in (copy.get('data') or {}).get('metrics') or []]
        return dict((key, set(_point(m) for m in metric_history(self.dst, copy['info']['run_id'], key)))
                    for key in keys)

    def missing_points(self, run, done):
        points = []
        for latest in (run.get('data') or {}).get('metrics') or []:
            key = latest['key']
            for metric in metric_history(self.src, run['info']['run_id'], key):
                if _point(metric) not in done.get(key, ()):
                    points.append({'key': key, 'value': metric.get('value'), 'timestamp': metric.get('timestamp', 0),
                                   'step': metric.get('step', 0)})
        return points

    def log_batch(self, run_id, metrics, params, tags):
        self.stats['metric_points'] += len(metrics)
        self.stats['params'] += len(params)
        self.stats['tags'] += len(tags)
        while metrics or params or tags:
            batch_params, params = params[:MAX_PARAMS_TAGS], params[MAX_PARAMS_TAGS:]
            batch_tags, tags = tags[:MAX_PARAMS_TAGS], tags[MAX_PARAMS_TAGS:]
            room = min(MAX_METRICS, MAX_ENTITIES - len(batch_params) - len(batch_tags))
            batch_metrics, metrics = metrics[:room], metrics[room:]
            self.dst.post(API + '/runs/log-batch', {'run_id': run_id, 'metrics': batch_metrics,
                                                    'params': batch_params, 'tags': batch_tags})

    def copy_artifacts(self, source, target, resumed):
        present = target.list() if resumed else {}
        for path, size in sorted(source.list().items()):
            if present.get(path) == size:
                continue
            content = source.read(path)
            target.write(path, content)
            self.stats['artifact_files'] += 1
            self.stats['artifact_bytes'] += len(content)

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
        runs, logged = RUNS_URI.match(source), LOGGED_MODEL_SOURCE.match(source)
        root = self.source_roots.get(origin, '').rstrip('/')
        if runs:
            return 'runs:/%s/%s' % (run_id, runs.group(2)), run_id, None, None
        if root and source.startswith(root + '/'):
            return run_info.get('artifact_uri', '').rstrip('/') + source[len(root):], run_id, None, None
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
            tags = dict(_own_tags(dict((t['key'], t.get('value', '')) for t in info.get('tags') or [])),
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
        tags = dict(_own_tags(version['tags']), **{MIGRATED_FROM: version['version']})
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

    # -- the whole run --------------------------------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        self.validate()
        try:
            self.migrate()
        except ApiError as exc:
            # Names what was being copied; whatever was written stays marked, so a rerun continues from there.
            raise ModuleFailure('MLflow migration failed while %s: %s. What was copied is kept; run the '
                                'migration again to continue' % (self.doing, exc), status=exc.status,
                                request_id=exc.request_id)
        return self.result(time.monotonic() - started)

    def migrate(self):
        wanted = self.params.get('experiments')
        self.doing = 'planning the migration of %s' % (', '.join(wanted) if wanted else 'every experiment')
        experiments = self.source_experiments()
        self.source_names = set(e['name'] for e in experiments)
        existing = self.destination_experiments()
        models = self.source_models() if self.params.get('models') != [] else []
        work = [(experiment, self.plan_runs(experiment, existing.get(experiment['name'])))
                for experiment in experiments]
        self.planned_runs = set(pair[0]['info']['run_id'] for item in work for pair in item[1])
        for experiment, runs in work:
            self.doing = "copying experiment '%s'" % experiment['name']
            target = self.ensure_experiment(experiment, existing.get(experiment['name']))
            for run, copy in runs if not self.check_mode else ():
                self.doing = 'copying run %s' % _run_label(experiment, run)
                self.copy_run(run, copy, target['experiment_id'])
        for model in models:
            self.doing = "copying registered model '%s'" % model['name']
            self.migrate_model(model)

    def result(self, elapsed):
        changed = any(self.plan.values())
        summary = dict((kind, {'count': len(names), 'names': names}) for kind, names in self.plan.items())
        result = {'changed': changed, 'skipped': self.skipped}
        if self.check_mode:
            result['would_copy'] = summary
        else:
            result.update(copied=summary, stats=dict(self.stats, seconds=round(elapsed, 2)))
        if self.diff_mode and changed:
            lines = ['+ %s %s' % (kind[:-1], name) for kind, names in self.plan.items() for name in names]
            result['diff'] = {'prepared': '\n'.join(lines) + '\n'}
        return result


def _proxied_experiment(experiment):
    """The experiment, once it is sure its artifacts go through the destination's artifact proxy."""
    if proxied_path(experiment.get('artifact_location')) is None:
        raise ModuleFailure("experiment '%s' on the destination stores artifacts at %s, not behind the server's "
                            "artifact proxy (mlflow-artifacts:/): run the destination with --artifacts-destination "
                            "(as the maestro.platform.mlflow role does)" % (experiment.get('name'),
                                                                            experiment.get('artifact_location')))
    return experiment


def _point(metric):
    return (int(metric.get('step') or 0), int(metric.get('timestamp') or 0), repr(metric.get('value')))
