# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the nexus_repository logic of maestro.platform. Not a public API.
"""Nexus repositories (proxy, hosted, group) through /service/rest/v1/repositories: the nexus_repository
resource. Its option table and input checks are in _nexus_repository_checks.py, the formats' fields and the
API form <-> view translation in _nexus_repository_fields.py.

Facts the code relies on are listed in _nexus.py's docstring (create 201, duplicate name 400, full
settings only from the per-format GET, writePolicy echoed as stored, remote password never returned,
writableMember Pro only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NexusOperation, _get_or_none, _sorted_unique, server_edition)
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_checks import (
    REPOSITORY_OPTIONS, check_repository)
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_fields import (
    FORMAT_FIELDS, SECRET_MARKERS, repository_defaults, repository_path, repository_payload, repository_view,
    url_format)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource


def repository_summary(client, name):
    """GET /v1/repositories/{name}: name, format (URL spelling), type; None when missing."""
    data = _get_or_none(client, '/v1/repositories/' + path_quote(name))
    if data is None:
        return None
    return {'name': data.get('name'), 'format': url_format(data.get('format')), 'type': data.get('type')}


class Repository(NexusOperation, Resource):
    result_key = 'repository'
    kind = 'Nexus repository'
    option_code = {'remote_password': dict(no_log=True), 'signing_keypair': dict(no_log=True),
                   'signing_passphrase': dict(no_log=True)}
    module_options = REPOSITORY_OPTIONS
    module_kwargs = dict(NexusOperation.module_kwargs,
                         required_by={'remote_password': 'remote_username', 'signing_passphrase': 'signing_keypair'})

    def describe(self):
        return "%s %s repository '%s'" % (self.params.get('format'), self.params.get('type'),
                                          self.params.get('name'))

    def validate(self):
        check_repository(self.params)

    def read(self):
        p = self.params
        raw = _get_or_none(self.client, repository_path(p['format'], p['type'], p['name']))
        self.raw = raw
        return repository_view(raw) if raw is not None else None

    def batch_scope(self):
        return 'repositories'

    def batch_key(self):
        p = self.params
        return (p['name'].lower(), p['format'], p['type'])

    def read_batch(self):
        # repositorySettings holds every repository's full settings, as the per-format GETs return them.
        views = [repository_view(raw) for raw in self.client.get('/v1/repositorySettings') or []]
        return dict((((v['name'] or '').lower(), v['format'], v['type']), v) for v in views)

    def validate_against(self, current):
        p = self.params
        self._summaries = {}
        if current is None:
            self._require_for_create()
        else:
            self._warn_case(current)
            if p.get('blob_store') is not None and p['blob_store'] != current['blob_store']:
                raise ModuleFailure(
                    "blob_store of %s is '%s': Nexus cannot move a repository to another blob store ('%s' asked). "
                    "Remove blob_store from the task, or delete and re-create the repository."
                    % (self.describe(), current['blob_store'], p['blob_store']))
        if p['type'] == 'group':
            self._check_members(current)
        if p.get('routing_rule') and p['routing_rule'] != (current or {}).get('routing_rule'):
            self._check_routing_rule(p['routing_rule'])

    def _check_routing_rule(self, rule):
        if _get_or_none(self.client, '/v1/routing-rules/' + path_quote(rule)) is not None:
            return
        if self.check_mode:
            self.warn("routing_rule: routing rule '%s' does not exist yet; in check mode it is assumed to be "
                      "created by an earlier task" % rule)
            return
        raise ModuleFailure("routing_rule: routing rule '%s' does not exist; create it (nexus_routing_rule) before %s"
                            % (rule, self.describe()))

    def _require_for_create(self):
        p = self.params
        # The name may be taken by a repository of another format or type. A real run learns it from
        # the create's 400 (one request less per new repository); check mode must ask.
        if self.check_mode:
            self._refuse_if_taken()
        if p['type'] == 'proxy' and not p.get('remote_url'):
            raise ModuleFailure('remote_url is required to create %s' % self.describe())
        if p['type'] == 'group' and not p.get('members'):
            raise ModuleFailure('members is required to create %s: list the repositories it serves, in search '
                                'order' % self.describe())
        if p['type'] == 'hosted' and not p.get('write_policy'):
            raise ModuleFailure('write_policy is required to create %s: allow (redeploy), allow_once '
                                '(no overwrite, the usual choice for releases) or deny (read-only)'
                                % self.describe())
        if (p['format'], p['type']) == ('apt', 'hosted') and not (p.get('apt') or {}).get('distribution'):
            raise ModuleFailure('apt.distribution is required to create %s: the distribution clients name in their '
                                'sources.list (for example bookworm)' % self.describe())

    def _warn_case(self, current):
        """Nexus repository names ignore case: RepositoryManagerImpl keys its repositories by
        name.toLowerCase() (track, get), so 'Maven-Releases' reads, updates and deletes 'maven-releases', and
        creating it would be refused as a duplicate. The task manages that repository; say so."""
        message = ("repository '%s' exists, and Nexus repository names ignore case: the task's name '%s' is "
                   "that repository, which this task manages (Nexus cannot hold both). Write the name as "
                   "'%s' in the task to silence this warning." % (current['name'], self.params['name'],
                                                                  current['name']))
        # validate_against may run twice for one item (a read-ahead listing, then a fresh read): warn once
        if current['name'] and current['name'] != self.params['name'] and message not in self.warnings:
            self.warn(message)

    def _refuse_if_taken(self):
        existing = repository_summary(self.client, self.params['name'])
        same_kind = existing is not None and (existing['format'], existing['type']) == (
            self.params['format'], self.params['type'])
        if existing is not None and not same_kind:
            spelled = '' if existing['name'] == self.params['name'] else (
                " (names ignore case: it is the task's '%s')" % self.params['name'])
            raise ModuleFailure(
                "repository '%s'%s already exists as a %s %s repository: Nexus cannot change a repository's "
                "format or type. Delete it first, or choose another name."
                % (existing['name'], spelled, existing['format'], existing['type']))

    def _summary(self, name):
        if name not in self._summaries:
            self._summaries[name] = repository_summary(self.client, name)
        return self._summaries[name]

    def _check_members(self, current):
        p = self.params
        known = set(m.lower() for m in (current or {}).get('members') or [])
        for member in p.get('members') or []:
            if member.lower() not in known:
                self._check_member(member)
        writable = p.get('writable_member')
        if writable and writable != (current or {}).get('writable_member'):
            self._check_writable_member(writable)

    def _check_member(self, member):
        p = self.params
        found = self._summary(member)
        if found is None:
            if self.check_mode:
                # A playbook creates members before their group: in check mode they were not created.
                self.warn("members: repository '%s' does not exist yet; in check mode it is assumed to be "
                          "created by an earlier task" % member)
                return
            raise ModuleFailure("members: repository '%s' does not exist; create it before %s"
                                % (member, self.describe()))
        if found['format'] != p['format']:
            raise ModuleFailure("members: '%s' is a %s repository; a %s group can only contain %s repositories"
                                % (member, found['format'], p['format'], p['format']))

    def _check_writable_member(self, writable):
        edition = server_edition(self.client)
        if edition is not None and edition != 'PRO':
            raise ModuleFailure(
                "writable_member: deploying through a group is a Nexus Pro feature, and this Nexus is the %s "
                "edition, which refuses it (\"Deploying to groups is a PRO-licensed feature\"). Remove "
                "writable_member and deploy to the hosted repository '%s' directly."
                % (edition, writable))
        found = self._summary(writable)
        if found is not None and found['type'] != 'hosted':
            raise ModuleFailure("writable_member '%s' is a %s repository; Nexus deploys through a group to a "
                                "hosted member only" % (writable, found['type']))

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else repository_defaults(p['format'], p['type'], p['name'])
        for option in ('online', 'blob_store', 'strict_content_type_validation', 'remote_url', 'routing_rule',
                       'content_max_age', 'metadata_max_age', 'members', 'writable_member', 'remote_username'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('write_policy') is not None:
            view['write_policy'] = p['write_policy'].lower()
        if p.get('cleanup_policies') is not None:
            view['cleanup_policies'] = _sorted_unique(p['cleanup_policies'])
        for nested in ('negative_cache',) + tuple(FORMAT_FIELDS):
            if p.get(nested):
                view[nested].update((k, v) for k, v in p[nested].items() if v is not None)
        if current and p['update_password'] == 'always':
            # The stored secrets cannot be read back: with update_password=always they are always sent.
            if p['type'] == 'proxy' and p.get('remote_password'):
                view['remote_password_updated'] = True
            if p.get('signing_keypair'):
                view['signing_key_updated'] = True
        return view

    def _body(self, desired, raw):
        p = self.params
        desired = self.public(desired)
        signing = {'keypair': p.get('signing_keypair'), 'passphrase': p.get('signing_passphrase')}
        return repository_payload(desired, raw, p.get('remote_password'), signing)

    def create(self, desired):
        p = self.params
        try:
            self.client.post(repository_path(p['format'], p['type']), self._body(desired, None))
        except ApiError as exc:
            if exc.status == 400:  # a duplicate name is a 400 too: say what holds the name
                self._refuse_if_taken()
            raise

    def lost_create_race(self, exc):
        # Nexus answers a duplicate name with 400; _refuse_if_taken has already refused another kind.
        if exc.status != 400:
            return False
        existing = repository_summary(self.client, self.params['name'])
        wanted = (self.params['format'], self.params['type'])
        return existing is not None and (existing['format'], existing['type']) == wanted

    def update(self, current, desired):
        p = self.params
        self.client.put(repository_path(p['format'], p['type'], p['name']), self._body(desired, self.raw))

    def delete(self, current):
        self.client.delete('/v1/repositories/' + path_quote(self.params['name']))

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k not in SECRET_MARKERS)
