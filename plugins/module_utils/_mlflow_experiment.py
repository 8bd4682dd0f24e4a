# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""An MLflow experiment (mlflow_experiment) and mlflow_experiment_info.

Facts the code relies on (MLflow 3.x, checked against a real server in tests/): deleting an experiment is a
soft delete: the name stays taken, get-by-name still finds it with lifecycle_stage=deleted, and restore brings
it back with the same id.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    MlflowOperation,
    get_experiment,
    search_experiments,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_resource import Mapping, MlflowResource
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info, ModuleFailure, require_name


class Experiment(MlflowResource):
    result_key = 'experiment'
    kind = 'MLflow experiment'
    module_options = dict(  # generated from plugins/modules/mlflow_experiment.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        artifact_location=dict(type='str'),
        tags=dict(type='dict'),
        purge_tags=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    noun = 'experiments'
    id_key = 'experiment_id'
    read_one = staticmethod(get_experiment)
    create_fields = ('artifact_location',)
    mappings = (Mapping('tags', ('POST', '/experiments/set-experiment-tag'),
                        ('POST', '/experiments/delete-experiment-tag')),)

    def validate(self):
        super(Experiment, self).validate()
        location = self.params.get('artifact_location')
        if location is not None and not location.strip():
            raise ModuleFailure('artifact_location must be a non-empty URI such as s3://bucket/path, or left '
                                'unset to use the server default')

    def list_all(self, limit):
        # Deleted ones too: a soft-deleted experiment is a tombstone to restore, as get-by-name returns it.
        return search_experiments(self.client, 'ALL', limit=limit)

    def exists(self, current):
        return current is not None and current['lifecycle_stage'] != 'deleted'

    def validate_against(self, current):
        wanted = self.params.get('artifact_location')
        if current and wanted is not None and wanted.rstrip('/') != (current['artifact_location'] or '').rstrip('/'):
            raise ModuleFailure(
                "artifact_location can only be set when an experiment is created: %s already stores "
                "artifacts at %r, not %r. Remove artifact_location from the task, or use a new experiment "
                "name." % (self.describe(), current['artifact_location'], wanted))

    def new_object(self):
        return {'experiment_id': None, 'name': self.params['name'],
                'artifact_location': self.params.get('artifact_location'), 'lifecycle_stage': 'active', 'tags': {}}

    def desired(self, current):
        return dict(super(Experiment, self).desired(current), lifecycle_stage='active')

    def restore(self, tombstone, desired):
        # A soft-deleted experiment keeps its name: restoring keeps its id, runs and artifacts.
        self.call('POST', '/experiments/restore', {'experiment_id': tombstone['experiment_id']})
        self.update(tombstone, desired)

    def absent_view(self, current):
        return dict(current, lifecycle_stage='deleted')


class ExperimentInfo(MlflowOperation, Info):
    module_options = dict(  # generated from plugins/modules/mlflow_experiment_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
        filter=dict(type='str'),
        view_type=dict(type='str', default='active_only', choices=['active_only', 'deleted_only', 'all']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
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
