# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor labels (global and project labels), through the REST API v2.0 (Harbor v2.15.2).

Facts the code relies on (src/server/v2.0/handler/label.go, src/pkg/label/model/model.go and dao/dao.go,
make/migrations/postgresql/0001_initial_schema.up.sql at tag v2.15.2):
- POST /labels {name, description, color, scope, project_id} -> 201; scope "g" (global, project_id forced
  to 0, system admin only) or "p" (project_id of the project, project admin or maintainer).
- A label is unique by (name, scope, project_id) (table constraint unique_label): 409 "label X already
  exists". name is varchar(128), color varchar(16); Harbor checks neither on create (a longer value is a
  database error) and no color format at all: the portal offers "#RRGGBB" colors.
- GET /labels needs scope (g or p; p also project_id); name= is a fuzzy match.
- PUT /labels/{id} replaces name, description and color (send all three); scope and project never change.
- DELETE /labels/{id} also takes the label off every artifact.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, str_or_empty
from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    HarborResource,
    check_name,
    list_all,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

COLOR_RULE = re.compile(r'^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$')
SCOPES = {'g': 'global', 'p': 'project'}


def scope_name(value):
    return SCOPES.get(value, value)


class Label(Declarative, HarborResource):
    result_key = 'label'
    kind = 'Harbor label'
    strict_strings = ('name', 'description', 'color', 'project')
    module_options = dict(  # generated from plugins/modules/harbor_label.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        project=dict(type='str'),
        description=dict(type='str'),
        color=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = '/labels'
    scope = ('project',)
    fields = (
        Field('id', server=True),
        Field('name'),
        Field('description', normalize=str_or_empty, default=''),
        Field('color', normalize=str_or_empty, default=''),
        Field('scope', normalize=scope_name, server=True),
    )

    def describe(self):
        where = "project '%s'" % self.params['project'] if self.params.get('project') else 'global'
        return "%s '%s' (%s)" % (self.kind, self.params.get('name'), where)

    def validate(self):
        p = self.params
        if not p['name'] or not p['name'].strip() or len(p['name']) > 128:
            raise ModuleFailure('name must be a label name of 1 to 128 characters (Harbor\'s limit), got %r'
                                % (p['name'],))
        if p.get('color') is not None and p['color'] != '' and not COLOR_RULE.match(p['color']):
            raise ModuleFailure("color %r is not a color Harbor's portal shows: use '#RRGGBB' (or '#RGB'), "
                                "e.g. '#0065AB', or '' for none" % (p['color'],))
        if p.get('project') is not None:
            check_name(p['project'], 'project', 'project name')

    def _project_id(self):
        """The project's id (project labels), 0 for global labels, None when the project is missing in check
        mode (parent_project fails otherwise)."""
        if not self.params.get('project'):
            return 0
        raw = self.parent_project()
        return raw['project_id'] if raw is not None else None

    def list_objects(self):
        query = {'scope': 'p' if self.project_id else 'g', 'name': self.params['name']}
        if self.project_id:
            query['project_id'] = self.project_id
        return list_all(self.client, self.collection, query=query)

    def read(self):
        self.project_id = self._project_id()
        if self.project_id is None:
            return None
        label = super(Label, self).read()
        if label is not None:
            label['_project_id'] = self.project_id
        return label

    def new_object(self):
        return dict(super(Label, self).new_object(), scope='project' if self.params.get('project') else 'global',
                    _project_id=None)

    def desired(self, current):
        base = super(Label, self).desired(current)
        # Harbor stores the color as sent: the same color in another letter case is not a change.
        if current and self.params.get('color') is not None and self.params['color'].lower() == current['color'].lower():
            base['color'] = current['color']
        return base

    def create(self, desired):
        body = self.body(desired)
        project_id = self._project_id()
        body.update(scope='p' if project_id else 'g', project_id=project_id)
        self.client.post(self.collection, body)
