# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""An MLflow registered model with its description, tags and aliases (mlflow_registered_model), and
mlflow_registered_model_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    MlflowOperation,
    get_registered_model,
    search_model_versions,
    search_registered_models,
)
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_resource import Mapping, MlflowResource
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    Info,
    ModuleFailure,
    desired_mapping,
    require_name,
)

RESERVED_ALIAS = re.compile(r'^(latest|v\d+)$', re.IGNORECASE)
ALIAS_NAME = re.compile(r'^[\w\-]+$')


class RegisteredModel(MlflowResource):
    result_key = 'registered_model'
    kind = 'MLflow registered model'
    module_options = dict(  # generated from plugins/modules/mlflow_registered_model.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        tags=dict(type='dict'),
        purge_tags=dict(type='bool', default=False),
        aliases=dict(type='dict'),
        purge_aliases=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    noun = 'registered-models'
    read_one = staticmethod(get_registered_model)
    create_fields = ('description',)  # a new model has no versions, so validate_against refuses any alias
    settable = ('description',)
    update_call = ('PATCH', '/registered-models/update')
    delete_method = 'DELETE'
    mappings = (
        Mapping('tags', ('POST', '/registered-models/set-tag'), ('DELETE', '/registered-models/delete-tag')),
        Mapping('aliases', ('POST', '/registered-models/alias'), ('DELETE', '/registered-models/alias'),
                entry='alias', value='version', merge=desired_mapping),
    )

    def validate(self):
        super(RegisteredModel, self).validate()
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

    def list_all(self, limit):
        return search_registered_models(self.client, limit=limit)

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

    def new_object(self):
        return {'name': self.params['name'], 'description': '', 'tags': {}, 'aliases': {}, 'latest_versions': []}


class RegisteredModelInfo(MlflowOperation, Info):
    module_options = dict(  # generated from plugins/modules/mlflow_registered_model_info.py DOCUMENTATION, do not edit
        name=dict(type='str'),
        filter=dict(type='str'),
        include_versions=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
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
