# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor immutable tag rules, a declarative resource (_declarative.py), and the tag selectors they share
with tag retention rules (_harbor_retention_policy.py).

Facts the code relies on (Harbor v2.15):
- Immutable tag rules have no name: a rule is identified by its repository and tag selectors.
- They live under /projects/{project}/immutabletagrules (X-Is-Resource-Name: the project by name); PUT
  replaces the rule and repeats its id.
- A selector is {kind: doublestar, decoration, pattern}; repository decorations are repoMatches/repoExcludes,
  tag decorations matches/excludes; retention keeps "untagged" in the tag selector's extras (JSON text).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, as_bool
from ansible_collections.maestro.platform.plugins.module_utils._harbor import BY_NAME, HarborResource, check_name
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

SELECTOR_KEYS = ('repositories', 'repositories_decoration', 'tags', 'tags_decoration')


def selectors(repositories, repositories_decoration, tags, tags_decoration, untagged=None):
    """(tag_selectors, scope_selectors) as Harbor takes them."""
    tag = {'kind': 'doublestar', 'decoration': tags_decoration, 'pattern': tags}
    if untagged is not None:
        tag['extras'] = json.dumps({'untagged': untagged})
    return ([tag],
            {'repository': [{'kind': 'doublestar', 'decoration': 'repo' + repositories_decoration.capitalize(),
                             'pattern': repositories}]})


def read_selectors(raw):
    tag = (raw.get('tag_selectors') or [{}])[0]
    repo = ((raw.get('scope_selectors') or {}).get('repository') or [{}])[0]
    decoration = repo.get('decoration') or 'repoMatches'
    try:
        extras = json.loads(tag.get('extras') or '{}')
    except ValueError:
        extras = {}
    return {
        'repositories': repo.get('pattern'),
        'repositories_decoration': 'excludes' if decoration == 'repoExcludes' else 'matches',
        'tags': tag.get('pattern'),
        'tags_decoration': tag.get('decoration') or 'matches',
        'untagged': bool(extras.get('untagged')),
    }


class ImmutableRule(Declarative, HarborResource):
    result_key = 'immutable_rule'
    kind = 'Harbor immutable tag rule'
    module_options = dict(  # generated from plugins/modules/harbor_immutable_rule.py DOCUMENTATION, do not edit
        project=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        disabled=dict(type='bool', default=False),
        repositories=dict(type='str', default='**'),
        repositories_decoration=dict(type='str', default='matches', choices=['matches', 'excludes']),
        tags=dict(type='str', default='**'),
        tags_decoration=dict(type='str', default='matches', choices=['matches', 'excludes']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    suffix = '/immutabletagrules'
    collection = '/projects/{project}' + suffix
    scope = ('project',)
    headers = BY_NAME
    put_id = True
    identity = SELECTOR_KEYS
    fields = (Field('id', server=True),) + tuple(Field(key) for key in SELECTOR_KEYS) + (
        Field('disabled', normalize=as_bool),)

    def describe(self):
        return ("%s (repositories %s '%s', tags %s '%s') of project '%s'"
                % (self.kind, self.params.get('repositories_decoration'), self.params.get('repositories'),
                   self.params.get('tags_decoration'), self.params.get('tags'), self.params.get('project')))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        for option in ('repositories', 'tags'):
            if not self.params[option] or not self.params[option].strip():
                raise ModuleFailure('%s must be a non-empty pattern such as ** or release-*' % option)

    def list_objects(self):
        return self.list_in_project(self.suffix)

    def view(self, raw):
        rule = read_selectors(raw)
        rule.pop('untagged')
        rule.update(id=raw.get('id'), project=self.params['project'], disabled=bool(raw.get('disabled')))
        return rule

    def body(self, desired, secrets=False, update=False):
        tag_selectors, scope_selectors = selectors(*(desired[key] for key in SELECTOR_KEYS))
        return {'disabled': desired['disabled'], 'action': 'immutable', 'template': 'immutable_template',
                'priority': 0, 'tag_selectors': tag_selectors, 'scope_selectors': scope_selectors}
