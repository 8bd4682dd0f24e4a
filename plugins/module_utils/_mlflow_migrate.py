# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.mlflow_migrate. Not a public API; it may change at any time.
"""Copy experiments, runs and registered models from one MLflow tracking server to another over REST.

This file holds the module (Migration: options, planning, the whole run, its result); the copy steps are in
_mlflow_copy.py (experiments, runs, artifacts) and _mlflow_copy_models.py (registered models, versions,
logged models, aliases), mixed into Migration.

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

import time

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._mlflow import MlflowOperation, search_experiments
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_copy import (
    IN_PROGRESS,
    MIGRATED_FROM,
    RunCopy,
    proxied_experiment,
    run_label,
    run_tags,
    search_runs,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_copy_models import ModelCopy
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Operation


class Clients:
    """The two servers of a migration (the operation's client)."""

    def __init__(self, source, destination):
        self.source = source
        self.destination = destination

    def close(self):
        self.source.close()
        self.destination.close()


# -- the migration ------------------------------------------------------------------------------------------
class Migration(RunCopy, ModelCopy, MlflowOperation, Operation):
    """mlflow_migrate: the connection options are the destination's; ``source`` names the old server."""

    option_code = {'source.password': dict(no_log=True), 'source.token': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/mlflow_migrate.py DOCUMENTATION, do not edit
        source=dict(type='dict', required=True, options=dict(
            tracking_uri=dict(type='str', required=True),
            username=dict(type='str'),
            password=dict(type='str', no_log=True),
            token=dict(type='str', no_log=True),
            validate_certs=dict(type='bool', default=True),
            ca_path=dict(type='path'),
            timeout=dict(type='int', default=30),
        )),
        experiments=dict(type='list', elements='str'),
        models=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
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
                proxied_experiment(experiment)
        return existing

    def plan_runs(self, experiment, target):
        """(source run, destination copy or None) for every active source run not completely copied."""
        copies = {}
        if target is not None:
            for run in search_runs(self.dst, target['experiment_id']):
                origin = run_tags(run).get(MIGRATED_FROM)
                if origin:
                    copies[origin] = run
        self.copies.update(copies)
        todo = []
        for run in search_runs(self.src, experiment['experiment_id']):
            info = run['info']
            self.source_roots[info['run_id']] = info.get('artifact_uri') or ''
            if info.get('lifecycle_stage') == 'deleted':
                self.skip('run', run_label(experiment, run), 'deleted on the source server')
                continue
            copy = copies.get(info['run_id'])
            if copy is None or IN_PROGRESS in run_tags(copy):
                todo.append((run, copy))
                self.plan['runs'].append(run_label(experiment, run) + (' (resumed)' if copy else ''))
        return todo

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
                self.doing = 'copying run %s' % run_label(experiment, run)
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
