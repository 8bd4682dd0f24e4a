# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.nexus_content_selector. Not a public API; it may change at any time.
"""Nexus content selectors (CSEL) through /v1/security/content-selectors.

Facts from Nexus's source (sonatype/nexus-public):
- ContentSelectorsApiResource: POST -> 204, PUT /{name} -> 204 with only description and expression (the name
  cannot change), GET /{name} -> 404 "No selector found for <name>", DELETE /{name} -> 204.
- The expression is validated before anything is stored (SelectorFactory.validateSelector -> CselValidator):
  400 [{"id": ..., "message": "Invalid CSEL: ..."}]. CSEL accepts only the identifiers format and path, the
  operators == != =~ =^ and or && || and parentheses, string literals without embedded quotes, and =~ regular
  expressions that compile. A duplicate name is 400 "A selector with the same name already exists".
- SelectorManagerImpl.delete refuses a selector that a repository-content-selector privilege uses with an
  IllegalStateException, which Nexus's UnexpectedExceptionMapper turns into a 500: this module therefore
  looks for such privileges itself and refuses the delete with their names, before sending it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import Declarative, Field, str_or_empty
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NexusOperation, already_exists, require_object_name)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

IDENTIFIERS = ('format', 'path')
TOKEN = re.compile(r'\s+|"[^"]*"|\'[^\']*\'|==|!=|=~|=\^|&&|\|\||[()]|[A-Za-z_][A-Za-z0-9_]*')


def expression_problem(expression):
    """A sentence saying why Nexus would refuse this CSEL expression, or None. Checks the words and quoting
    only (CselValidator's identifiers and string literals); the grammar is left to Nexus, which validates the
    expression before storing anything."""
    position = 0
    while position < len(expression):
        found = TOKEN.match(expression, position)
        if not found:
            return 'unexpected %r at position %d' % (expression[position:position + 10], position)
        word = found.group(0)
        if re.match(r'^[A-Za-z_]', word) and word not in IDENTIFIERS + ('and', 'or'):
            return 'unknown identifier %s (CSEL knows only %s)' % (word, ' and '.join(IDENTIFIERS))
        position = found.end()
    return None


class ContentSelector(NexusOperation, Declarative):
    result_key = 'content_selector'
    kind = 'Nexus content selector'
    module_options = dict(  # generated from plugins/modules/nexus_content_selector.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        expression=dict(type='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = '/v1/security/content-selectors'
    read_by = 'item'
    item_key = 'name'
    listed = True  # GET /v1/security/content-selectors: ContentSelectorApiResponse, as GET .../{name}
    fields = (
        Field('name', create_only=True),  # PUT takes only description and expression
        Field('type', server=True, default='csel'),
        Field('description', normalize=str_or_empty, default=''),
        Field('expression', required=True),
    )

    def validate(self):
        require_object_name(self.params)
        expression = self.params.get('expression')
        if expression is not None:
            problem = expression_problem(expression) if expression.strip() else 'it is empty'
            if problem:
                raise ModuleFailure('expression is not a valid CSEL expression: %s. Example: format == "maven2" '
                                    'and path =^ "/org/example/"' % problem)

    def validate_delete(self, current):
        users = sorted(p.get('name') for p in self.client.get('/v1/security/privileges') or []
                       if p.get('type') == 'repository-content-selector'
                       and p.get('contentSelector') == current['name'])
        if users:
            raise ModuleFailure('%s is used by the privilege(s) %s: delete or change them first (Nexus refuses to '
                                'delete a content selector in use)' % (self.describe(), ', '.join(users)))

    def lost_create_race(self, exc):
        return already_exists(exc)
