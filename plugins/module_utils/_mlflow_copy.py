# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of maestro.platform.mlflow_migrate. Not a public API; it may change at any time.
"""The copy steps of mlflow_migrate for experiments, runs and their artifacts (RunCopy, mixed into Migration),
and what they read: runs, metric histories, artifact trees. The server facts they rely on are listed in
_mlflow_migrate.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote, urlsplit

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import API, get_experiment
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

MIGRATED_FROM = 'maestro.migrated_from'
IN_PROGRESS = 'maestro.migration'
ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts'
HISTORY_PAGE = 25000
MAX_METRICS, MAX_PARAMS_TAGS, MAX_ENTITIES = 1000, 100, 1000


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


def own_tags(tags):
    """Tags to copy: not the migration's own (a server that was itself migrated into carries them)."""
    return dict((k, v) for k, v in tags.items() if k not in (MIGRATED_FROM, IN_PROGRESS))


def run_tags(run):
    return dict((t['key'], t.get('value', '')) for t in (run.get('data') or {}).get('tags') or [])


def run_params(run):
    return dict((p['key'], p.get('value', '')) for p in (run.get('data') or {}).get('params') or [])


def run_label(experiment, run):
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
        for relative, entry in self._entries(path):
            if entry.get('is_dir'):
                found.update(self.list(relative))
            else:
                found[relative] = int(entry.get('file_size') or 0)
        return found

    def _entries(self, path):
        """[(relative path, file entry)] of the directory path, one listing."""
        if self.root is not None:
            query = {'path': '/'.join(p for p in (self.root, path) if p)}
            files = (self.client.get(ARTIFACTS_API, query=query) or {}).get('files') or []
            return [('/'.join(p for p in (path, f['path']) if p), f) for f in files]
        data = self.client.get(API + '/artifacts/list', query={'run_id': self.run_id, 'path': path or None})
        return [(f['path'], f) for f in (data or {}).get('files') or []]

    def read(self, path):
        if self.root is not None:
            target = ARTIFACTS_API + '/' + quote('%s/%s' % (self.root, path))
            return self.client.request('GET', target, binary=True).body
        return self.client.request('GET', '/get-artifact', query={'run_id': self.run_id, 'path': path},
                                   binary=True).body

    def write(self, path, content):
        self.client.request('PUT', ARTIFACTS_API + '/' + quote('%s/%s' % (self.root, path)), data=content)


class RunCopy:
    """Copies experiments and runs to the destination (mixed into Migration: self.src, self.dst, self.plan ...)."""

    # -- writing: experiments and runs ----------------------------------------------------------------------
    def ensure_experiment(self, experiment, target):
        if target is None:
            self.plan['experiments'].append(experiment['name'])
            if self.check_mode:
                return None
            tags = dict(own_tags(experiment['tags']), **{MIGRATED_FROM: experiment['experiment_id']})
            self.dst.post(API + '/experiments/create', {
                'name': experiment['name'], 'tags': [{'key': k, 'value': v} for k, v in sorted(tags.items())]})
            return proxied_experiment(get_experiment(self.dst, experiment['name']))
        missing = dict((k, v) for k, v in own_tags(experiment['tags']).items() if target['tags'].get(k) != v)
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
            done_params, done_tags = run_params(copy), run_tags(copy)
            done_points = self.copied_points(copy)
        run_id = copy['info']['run_id']
        params = [{'key': k, 'value': v} for k, v in sorted(run_params(run).items()) if k not in done_params]
        tags = [{'key': k, 'value': v} for k, v in sorted(own_tags(run_tags(run)).items()) if done_tags.get(k) != v]
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


def proxied_experiment(experiment):
    """The experiment, once it is sure its artifacts go through the destination's artifact proxy."""
    if proxied_path(experiment.get('artifact_location')) is None:
        raise ModuleFailure("experiment '%s' on the destination stores artifacts at %s, not behind the server's "
                            "artifact proxy (mlflow-artifacts:/): run the destination with --artifacts-destination "
                            "(as the maestro.platform.mlflow role does)" % (experiment.get('name'),
                                                                            experiment.get('artifact_location')))
    return experiment


def _point(metric):
    return (int(metric.get('step') or 0), int(metric.get('timestamp') or 0), repr(metric.get('value')))
