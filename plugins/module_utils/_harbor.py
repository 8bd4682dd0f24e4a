# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor through its REST API v2.0 (checked against the Harbor v2.15.2 API description): the service base.

This file holds the connection options and client (HarborOperation, HarborResource) and the helpers the
Harbor modules share (pagination, input checks, cron parsing, project and registry look-ups, the member
shape). Each module's logic is in its own file named after it: _harbor_project.py, _harbor_project_info.py,
_harbor_project_member.py, _harbor_robot_account.py, _harbor_user.py, _harbor_registry.py ...

Facts the code relies on (Harbor v2.15, from its API description and source):
- A project name in a path needs `X-Is-Resource-Name: true`, or a numeric name is taken for an id.
- Lists paginate with page/page_size (at most 100), X-Total-Count and a Link header.
- Booleans in project metadata are strings on the wire ("true"/"false"); users see booleans.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, get_or_none, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, http_client

API_PATH = '/api/v2.0'
BY_NAME = {'X-Is-Resource-Name': 'true'}
PAGE_SIZE = 100
MAX_PAGES = 10000

NAME_RULE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')
NAME_RULE_TEXT = ('lower-case letters and digits, optionally separated by single ".", "_" or "-" '
                  '(it must start and end with a letter or digit), 1 to 255 characters')


class HarborOperation:
    """Connection options and client for every Harbor module (mixed into Resource / Info)."""

    service = 'harbor'
    connection_option_code = {'url': dict(fallback=(env_fallback, ['HARBOR_URL'])),
                              'username': dict(fallback=(env_fallback, ['HARBOR_USERNAME'])),
                              'password': dict(no_log=True, fallback=(env_fallback, ['HARBOR_PASSWORD']))}
    connection_options = dict(  # generated from plugins/doc_fragments/harbor.py DOCUMENTATION, do not edit
        url=dict(type='str', required=True, fallback=(env_fallback, ['HARBOR_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['HARBOR_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['HARBOR_PASSWORD'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('username', 'password')])

    @classmethod
    def make_client(cls, params):
        url = params.get('url')
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise ModuleFailure('url must be the http:// or https:// URL of the Harbor server, for example '
                                'https://harbor.example.com, got %r' % (url,))
        base = url.rstrip('/')
        if not base.endswith(API_PATH):
            base += API_PATH
        return http_client(params, base)


# -- shared helpers ------------------------------------------------------------------------------


def list_all(client, path, query=None, headers=None, limit=None):
    """Every item of a paginated Harbor list (page/page_size, X-Total-Count and Link headers); with limit,
    None when there are more than limit items."""
    items = []
    page = 1
    while page <= MAX_PAGES:
        params = dict(query or {})
        params.update(page=page, page_size=PAGE_SIZE)
        response = client.request('GET', path, query=params, headers=headers)
        data = response.json or []
        items.extend(data)
        if limit is not None and len(items) > limit:
            return None
        link = response.header('Link') or ''
        total = response.header('X-Total-Count')
        if len(data) < PAGE_SIZE:
            # A short page is the last one, whatever the headers say: with ?entityname= Harbor filters the
            # page but counts (X-Total-Count, Link) every member of the project.
            more = False
        elif 'rel="next"' in link:
            more = True
        elif total is not None and str(total).isdigit():
            more = len(items) < int(total)
        else:
            more = True  # a full page and no headers: ask for the next
        if not more:
            break
        page += 1
    return items


def check_name(value, field='name', kind='name'):
    if not isinstance(value, str) or not value:
        raise ModuleFailure('%s must be a non-empty string, got %r' % (field, value))
    if len(value) > 255 or not NAME_RULE.match(value):
        raise ModuleFailure('%s %r is not a valid Harbor %s: use %s' % (field, value, kind, NAME_RULE_TEXT))
    return value


def to_bool(value):
    """Harbor's string booleans ("true"/"false") as booleans; a missing value is false."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == 'true' if value is not None else False


def wire_bool(value):
    return 'true' if value else 'false'


def project_path(project, suffix=''):
    return '/projects/%s%s' % (path_quote(project), suffix)


def project_or_fail(client, name, field='project'):
    """The raw project, or a clear failure when it does not exist."""
    raw = get_or_none(client, project_path(name), headers=BY_NAME)
    if raw is None:
        raise ModuleFailure("%s: there is no Harbor project named '%s'; create it first with "
                            "maestro.platform.harbor_project" % (field, name))
    return raw


def find_registry(client, name):
    """A registry endpoint by exact name (one request: the list is filtered by name server-side)."""
    for raw in list_all(client, '/registries', query={'name': name}):
        if raw.get('name') == name:
            return raw
    return None


class HarborResource(HarborOperation, Resource):
    def api_failure_message(self, exc):
        return 'Failed to read %s: %s' % (self.describe(), exc)

    def parent_project(self, field='project'):
        """The raw project a resource belongs to. In check mode a missing project is taken as one an earlier
        task of the same run would create (nothing of it exists yet): None, with a warning. Otherwise a
        missing project is a clear failure."""
        name = self.params[field]
        raw = get_or_none(self.client, project_path(name), headers=BY_NAME)
        if raw is None and self.check_mode:
            self.warn("%s: Harbor project '%s' does not exist; check mode assumes an earlier task creates it"
                      % (field, name))
            return None
        return raw if raw is not None else project_or_fail(self.client, name, field)

    def registry_or_predict(self, field, name):
        """A registry endpoint by name; in check mode a missing one is taken as created by an earlier task."""
        registry = find_registry(self.client, name)
        if registry is None:
            if self.check_mode:
                self.warn("%s: registry endpoint '%s' does not exist; check mode assumes an earlier task creates "
                          "it" % (field, name))
                return None
            raise ModuleFailure("%s: there is no registry endpoint named '%s'; create it first with "
                                "maestro.platform.harbor_registry" % (field, name))
        return registry

    def list_in_project(self, suffix, query=None):
        """A paginated list under /projects/{project}; None when the project is missing in check mode."""
        try:
            return list_all(self.client, project_path(self.params['project'], suffix), query=query, headers=BY_NAME)
        except ApiError as exc:
            if exc.status not in (403, 404):
                raise
            if self.parent_project() is None:
                return None
            raise


# -- shared by several modules ---------------------------------------------------------------------
# Project roles and group types (harbor_project_member, harbor_project_member_info, harbor_user_group)
ROLE_NAMES = {1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest'}
GROUP_TYPES = {'ldap': 1, 'http': 2, 'oidc': 3}
GROUP_TYPE_NAMES = dict((v, k) for k, v in GROUP_TYPES.items())
# Harbor's requireValidSecret (handler/user.go): user passwords and robot secrets follow the same rule
SECRET_RULE_TEXT = '8 to 128 characters with at least one upper-case letter, one lower-case letter and one digit'


def normalize_member(project, raw):
    """A membership as harbor_project_member and harbor_project_member_info return it."""
    return {
        'id': raw.get('id'),
        'project': project,
        'entity_name': raw.get('entity_name'),
        'entity_type': 'user' if raw.get('entity_type') == 'u' else 'group',
        'role': ROLE_NAMES.get(raw.get('role_id'), raw.get('role_name')),
        'role_id': raw.get('role_id'),
    }
