# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus routing rules (/v1/routing-rules): the logic of nexus_routing_rule.

Facts from Nexus's source (RoutingRulesApiResource, OrientRoutingRuleStore.validate): create 204, update
(full PUT) 204, delete 204, a missing rule 404; the name follows the repository name pattern and must not
be "None"; the description must not be null; at least one matcher, each a Java regular expression; a rule
that repositories use cannot be deleted (400 "Routing rule is still in use by N repositories.").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, as_list, lower, str_or_empty, upper)
from ansible_collections.maestro.platform.plugins.module_utils._nexus import NAME_PATTERN, NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, require_name

API = '/v1/routing-rules'


def check_matchers(matchers, field='matchers'):
    """Every matcher a non-blank regular expression (checked with Python's, which agrees with Java's for the
    path patterns routing rules use; Nexus compiles them with java.util.regex)."""
    if not matchers:
        raise ModuleFailure('%s must list at least one regular expression (Nexus requires one), for example '
                            '["^/com/example/.*"]' % field)
    for index, regex in enumerate(matchers):
        if not isinstance(regex, str) or not regex.strip():
            raise ModuleFailure('%s[%d] must be a non-empty regular expression, got %r' % (field, index, regex))
        try:
            re.compile(regex)
        except re.error as exc:
            raise ModuleFailure('%s[%d] %r is not a valid regular expression: %s' % (field, index, regex, exc))


class RoutingRule(NexusOperation, Declarative):
    result_key = 'routing_rule'
    kind = 'Nexus routing rule'
    module_options = dict(  # generated from plugins/modules/nexus_routing_rule.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        mode=dict(type='str', choices=['allow', 'block']),
        matchers=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    collection = API
    read_by = 'item'
    item_key = 'name'
    listed = True  # GET /v1/routing-rules: RoutingRuleXO, as GET /v1/routing-rules/{name}
    fields = (
        Field('name'),
        Field('description', normalize=str_or_empty, default=''),
        Field('mode', normalize=lower, to_wire=upper, required=True),
        Field('matchers', normalize=as_list, default=[], required=True),
    )

    def validate(self):
        name = require_name(self.params)
        if not NAME_PATTERN.match(name) or name.lower() == 'none':
            raise ModuleFailure('name %r is not a valid routing rule name: use letters, digits, -, _ and . (not '
                                'starting with _ or .), and not "None"' % name)
        if self.params['state'] == 'present' and self.params.get('matchers') is not None:
            check_matchers(self.params['matchers'])
