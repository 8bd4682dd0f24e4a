# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor through its REST API v2.0 (checked against the Harbor v2.15.2 API description).

This file holds the service base (connection options, client), the shared helpers (pagination, input
checks, size and cron parsing) and the project-scoped resources: projects, members, robot accounts and
their *_info twins. _harbor_policies.py holds registries, replication, webhooks, retention, immutability,
system configuration and schedules.

Facts the code relies on (Harbor v2.15, from its API description and source):
- Project metadata values are strings on the wire ("true"/"false"); users see booleans.
- A project name in a path needs `X-Is-Resource-Name: true`, or a numeric name is taken for an id.
- Storage quota lives in /quotas/{id} (PUT {"hard": {"storage": N}}), not in PUT /projects.
- Deleting a project that still holds repositories answers 412.
- Robot secrets are returned only by POST /robots and PATCH /robots/{id}; GET never shows them.
  POST /robots ignores a secret in its body and always generates one (controller/robot CreateSec;
  goharbor/harbor#16884, #17386): a chosen secret is set by the refresh call PATCH /robots/{id}
  {"secret": "<chosen>"} right after the create, as terraform-provider-harbor does.
  A project-level robot carries exactly one permission entry, on its own project.
- Lists paginate with page/page_size (at most 100), X-Total-Count and a Link header.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, get_or_none, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    http_client,
    READ_AHEAD_LIMIT,
    Info,
    ModuleFailure,
    Resource,
)
from ansible_collections.maestro.platform.plugins.module_utils._size import parse_size

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
    connection_options = dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['HARBOR_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['HARBOR_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['HARBOR_PASSWORD'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
    )
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


CRON_FIELDS = (('second', 0, 59), ('minute', 0, 59), ('hour', 0, 23), ('day of month', 1, 31),
               ('month', 1, 12), ('day of week', 0, 7))
CRON_NAMES = {
    'month': dict((m, i + 1) for i, m in enumerate(
        ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'])),
    'day of week': dict((d, i) for i, d in enumerate(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])),
}


def check_cron(value, field='cron'):
    """Harbor's cron: six fields with seconds first (sec min hour dom month dow)."""
    if not isinstance(value, str) or not value.strip():
        raise ModuleFailure('%s must be a cron expression with six fields, got %r' % (field, value))
    parts = value.split()
    if len(parts) != 6:
        raise ModuleFailure('%s %r is not a valid Harbor cron expression: Harbor uses six fields with seconds '
                            'first ("second minute hour day-of-month month day-of-week"), for example '
                            '"0 0 2 * * *" for 02:00 every day' % (field, value))
    for part, (name, low, high) in zip(parts, CRON_FIELDS):
        for item in part.split(','):
            rng, dummy, step = item.partition('/')
            if step and (not step.isdigit() or int(step) == 0):
                raise ModuleFailure('%s %r: bad step %r in the %s field' % (field, value, step, name))
            if rng in ('*', '?'):
                if rng == '?' and name not in ('day of month', 'day of week'):
                    raise ModuleFailure("%s %r: '?' is only allowed in the day fields" % (field, value))
                continue
            bounds = rng.split('-')
            if len(bounds) > 2 or not all(bounds):
                raise ModuleFailure('%s %r: cannot read %r in the %s field' % (field, value, item, name))
            numbers = []
            for bound in bounds:
                number = CRON_NAMES.get(name, {}).get(bound.lower())
                if number is None:
                    if not bound.isdigit():
                        raise ModuleFailure('%s %r: %r is not a valid %s' % (field, value, bound, name))
                    number = int(bound)
                if not low <= number <= high:
                    raise ModuleFailure('%s %r: %s is out of range for the %s field (%s-%s)'
                                        % (field, value, bound, name, low, high))
                numbers.append(number)
            if len(numbers) == 2 and numbers[0] > numbers[1]:
                raise ModuleFailure('%s %r: range %r runs backwards' % (field, value, rng))
    return ' '.join(parts)


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


# -- projects -------------------------------------------------------------------------------------
PROJECT_FLAGS = (
    # (option, metadata key)
    ('public', 'public'),
    ('auto_scan', 'auto_scan'),
    ('prevent_vulnerable', 'prevent_vul'),
    ('reuse_sys_cve_allowlist', 'reuse_sys_cve_allowlist'),
    ('content_trust', 'enable_content_trust'),
    ('content_trust_cosign', 'enable_content_trust_cosign'),
    ('auto_sbom_generation', 'auto_sbom_generation'),
)
SEVERITIES = ('none', 'low', 'medium', 'high', 'critical')


def get_quota(client, project_id):
    quotas = client.get('/quotas', query={'reference': 'project', 'reference_id': str(project_id)}) or []
    for quota in quotas:
        ref = quota.get('ref') or {}
        if ref.get('id') in (None, project_id):
            return quota
    return None


def normalize_project(raw, quota=None, registry_name=None):
    meta = raw.get('metadata') or {}
    allowlist = raw.get('cve_allowlist') or {}
    project = {
        'project_id': raw.get('project_id'),
        'name': raw.get('name'),
        'owner_name': raw.get('owner_name'),
        'repo_count': raw.get('repo_count') or 0,
        'severity': meta.get('severity') or None,
        'cve_allowlist': sorted(i.get('cve_id') for i in allowlist.get('items') or [] if i.get('cve_id')),
        'cve_allowlist_expires_at': allowlist.get('expires_at') or None,
        'storage_quota': ((quota or {}).get('hard') or {}).get('storage'),
        'proxy_cache': None,
        'creation_time': raw.get('creation_time'),
    }
    for option, key in PROJECT_FLAGS:
        project[option] = to_bool(meta.get(key))
    if raw.get('registry_id'):
        speed = meta.get('proxy_speed_kb')
        project['proxy_cache'] = {
            'registry': registry_name,
            'registry_id': raw.get('registry_id'),
            'speed_kb': int(speed) if speed not in (None, '') else -1,
        }
    return project


def read_project(client, name, raw=None, with_quota=True):
    """A project by name, normalised; its quota costs a second request, so it is read only when asked."""
    raw = raw if raw is not None else get_or_none(client, project_path(name), headers=BY_NAME)
    if raw is None:
        return None
    quota = None
    if with_quota and raw.get('project_id') is not None:
        quota = get_quota(client, raw['project_id'])
    registry_name = None
    if raw.get('registry_id'):
        registry = get_or_none(client, '/registries/%s' % raw['registry_id'])
        registry_name = (registry or {}).get('name')
    project = normalize_project(raw, quota, registry_name)
    project['_quota_id'] = (quota or {}).get('id')
    return project


class Project(HarborResource):
    result_key = 'project'
    kind = 'Harbor project'
    module_options = dict(
        name=dict(type='str', required=True, aliases=['project_name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        public=dict(type='bool'),
        auto_scan=dict(type='bool'),
        severity=dict(type='str', choices=list(SEVERITIES)),
        prevent_vulnerable=dict(type='bool', aliases=['prevent_vul']),
        reuse_sys_cve_allowlist=dict(type='bool'),
        content_trust=dict(type='bool'),
        content_trust_cosign=dict(type='bool'),
        auto_sbom_generation=dict(type='bool'),
        cve_allowlist=dict(type='list', elements='str'),
        cve_allowlist_expires_at=dict(type='int'),
        storage_quota=dict(type='raw'),
        proxy_cache=dict(type='dict', options=dict(
            registry=dict(type='str', required=True),
            speed_kb=dict(type='int', default=-1),
        )),
        purge=dict(type='bool', default=False),
    )

    def validate(self):
        check_name(self.params['name'], 'name', 'project name')
        self.quota = None
        if self.params.get('storage_quota') is not None:
            self.quota = parse_size(self.params['storage_quota'], 'storage_quota', unlimited=True)
        cves = self.params.get('cve_allowlist')
        if cves is not None:
            bad = [c for c in cves if not re.match(r'^CVE-\d{4}-\d{4,}$', c.strip(), re.IGNORECASE)]
            if bad:
                raise ModuleFailure('cve_allowlist: %s is not a CVE id such as CVE-2023-12345' % bad[0])
            self.params['cve_allowlist'] = sorted(set(c.strip().upper() for c in cves))
        proxy = self.params.get('proxy_cache')
        if proxy is not None and (proxy['speed_kb'] < -1 or proxy['speed_kb'] == 0):
            raise ModuleFailure('proxy_cache.speed_kb must be -1 (no limit) or a positive number of Kbps, '
                                'got %s' % proxy['speed_kb'])

    def read(self):
        # storage_quota left unset is not managed: skip the quota read (one request per project instead of two).
        return read_project(self.client, self.params['name'], with_quota=self.quota is not None)

    def batch_scope(self):
        # The project list answers for projects whose every managed setting it carries: not the quota (a
        # request of its own) nor a proxy cache's registry name.
        if self.quota is not None or self.params.get('proxy_cache') is not None:
            return None
        return 'projects'

    def read_batch(self):
        projects = list_all(self.client, '/projects', limit=READ_AHEAD_LIMIT)
        if projects is None:
            return None
        # Harbor's ListProjects loads each project's metadata, CVE allowlist and owner, as GET by name does
        # (src/server/v2.0/handler/project.go). Entries without them are still left out, so that a list
        # that lacks them never stands for "nothing to change" (such projects are read one by one).
        return dict((raw['name'], read_project(self.client, raw['name'], raw=raw, with_quota=False))
                    for raw in projects
                    if isinstance(raw.get('metadata'), dict) and 'cve_allowlist' in raw and not raw.get('registry_id'))

    def validate_against(self, current):
        proxy = self.params.get('proxy_cache')
        self.registry_id = None
        if proxy is None:
            return
        registry = self.registry_or_predict('proxy_cache.registry', proxy['registry'])
        if registry is None:
            return
        self.registry_id = registry['id']
        if current is not None and (current['proxy_cache'] or {}).get('registry_id') != registry['id']:
            raise ModuleFailure("proxy_cache can only be set when a project is created: %s %s. Remove "
                                "proxy_cache from the task or use a new project name."
                                % (self.describe(), 'is not a proxy cache project' if not current['proxy_cache']
                                   else "caches registry '%s'" % current['proxy_cache']['registry']))

    def desired(self, current):
        base = dict(current) if current else {
            'project_id': None, 'name': self.params['name'], 'owner_name': None, 'repo_count': 0,
            'severity': None, 'cve_allowlist': [], 'cve_allowlist_expires_at': None, 'storage_quota': -1,
            'proxy_cache': None, 'creation_time': None, '_quota_id': None}
        if not current:
            for option, dummy in PROJECT_FLAGS:
                base[option] = False
        for option, dummy in PROJECT_FLAGS:
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        for option in ('severity', 'cve_allowlist', 'cve_allowlist_expires_at'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.quota is not None:
            base['storage_quota'] = self.quota
        proxy = self.params.get('proxy_cache')
        if proxy is not None:
            base['proxy_cache'] = {'registry': proxy['registry'], 'registry_id': self.registry_id,
                                   'speed_kb': proxy['speed_kb']}
        return base

    def _metadata(self, desired, current=None):
        meta = {}
        for option, key in PROJECT_FLAGS:
            if current is None or desired[option] != current[option]:
                if current is not None or desired[option] or option == 'public':
                    meta[key] = wire_bool(desired[option])
        if desired['severity'] and (current is None or desired['severity'] != current['severity']):
            meta['severity'] = desired['severity']
        proxy = desired['proxy_cache']
        if proxy and (current is None or proxy['speed_kb'] != (current['proxy_cache'] or {}).get('speed_kb')):
            meta['proxy_speed_kb'] = str(proxy['speed_kb'])
        return meta

    def _allowlist(self, desired):
        body = {'items': [{'cve_id': c} for c in desired['cve_allowlist']]}
        if desired['cve_allowlist_expires_at']:
            body['expires_at'] = desired['cve_allowlist_expires_at']
        return body

    def create(self, desired):
        body = {'project_name': desired['name'], 'metadata': self._metadata(desired)}
        if desired['cve_allowlist'] or desired['cve_allowlist_expires_at']:
            body['cve_allowlist'] = self._allowlist(desired)
        if self.quota is not None:
            body['storage_limit'] = self.quota
        if desired['proxy_cache']:
            body['registry_id'] = desired['proxy_cache']['registry_id']
        self.client.post('/projects', body)

    def update(self, current, desired):
        body = {}
        meta = self._metadata(desired, current)
        if meta:
            body['metadata'] = meta
        if (desired['cve_allowlist'] != current['cve_allowlist']
                or desired['cve_allowlist_expires_at'] != current['cve_allowlist_expires_at']):
            body['cve_allowlist'] = self._allowlist(desired)
        if body:
            self.client.put(project_path(current['name']), body, headers=BY_NAME)
        if desired['storage_quota'] != current['storage_quota']:
            if current['_quota_id'] is None:
                raise ModuleFailure('Cannot set storage_quota of %s: Harbor has no quota for it (is the '
                                    'quota feature disabled?)' % self.describe())
            self.client.put('/quotas/%s' % current['_quota_id'], {'hard': {'storage': desired['storage_quota']}})

    def _check_deletable(self, current):
        if current['repo_count'] and not self.params['purge']:
            raise ModuleFailure('Cannot delete %s: it still holds %d repositor%s. Delete them first, or set '
                                'purge=true to delete its repositories and artifacts together with the project.'
                                % (self.describe(), current['repo_count'],
                                   'y' if current['repo_count'] == 1 else 'ies'))

    def absent_view(self, current):
        self._check_deletable(current)
        return None

    def delete(self, current):
        self._check_deletable(current)
        name = current['name']
        if current['repo_count']:
            for repo in list_all(self.client, '/projects/%s/repositories' % path_quote(name)):
                short = repo['name'][len(name) + 1:] if repo['name'].startswith(name + '/') else repo['name']
                # A repository name with '/' must be URL-encoded twice (Harbor's API description says so).
                self.client.delete('/projects/%s/repositories/%s' % (path_quote(name), path_quote(path_quote(short))))
        self.client.delete(project_path(name), headers=BY_NAME)

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_'))


class ProjectInfo(HarborOperation, Info):
    module_options = dict(
        name=dict(type='str'),
        public=dict(type='bool'),
    )

    def run(self):
        name = self.params.get('name')
        if name is not None:
            project = read_project(self.client, name)
            projects = [project] if project else []
        else:
            query = {}
            if self.params.get('public') is not None:
                query['public'] = wire_bool(self.params['public'])
            raws = list_all(self.client, '/projects', query=query)
            quotas = {}
            for quota in list_all(self.client, '/quotas', query={'reference': 'project'}):
                ref = quota.get('ref') or {}
                if ref.get('id') is not None:
                    quotas[ref['id']] = quota
            registries = {}
            if any(raw.get('registry_id') for raw in raws):
                registries = dict((r['id'], r.get('name')) for r in list_all(self.client, '/registries'))
            projects = [normalize_project(raw, quotas.get(raw.get('project_id')),
                                          registries.get(raw.get('registry_id'))) for raw in raws]
        for project in projects:
            project.pop('_quota_id', None)
        if name is not None and self.params.get('public') is not None:
            projects = [p for p in projects if p['public'] == self.params['public']]
        return {'changed': False, 'projects': projects}


# -- project members ------------------------------------------------------------------------------
ROLES = {'projectadmin': 1, 'developer': 2, 'guest': 3, 'maintainer': 4, 'limitedguest': 5}
ROLE_NAMES = {1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest'}
GROUP_TYPES = {'ldap': 1, 'http': 2, 'oidc': 3}
GROUP_TYPE_NAMES = dict((v, k) for k, v in GROUP_TYPES.items())


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


def role_id(value, field='role'):
    key = re.sub(r'[_\-\s]', '', str(value)).lower()
    if key not in ROLES:
        raise ModuleFailure('%s %r is not a Harbor project role: use one of projectAdmin, maintainer, '
                            'developer, guest, limitedGuest' % (field, value))
    return ROLES[key]


class ProjectMember(HarborResource):
    result_key = 'member'
    kind = 'Harbor project member'
    module_options = dict(
        project=dict(type='str', required=True),
        user=dict(type='str'),
        group=dict(type='str'),
        group_type=dict(type='str', choices=['ldap', 'http', 'oidc'], default='oidc'),
        ldap_group_dn=dict(type='str'),
        role=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module_kwargs = dict(HarborOperation.module_kwargs, mutually_exclusive=[('user', 'group')],
                         required_one_of=[('user', 'group')],
                         required_if=[('state', 'present', ('role',))])

    def describe(self):
        who = ("user '%s'" % self.params['user']) if self.params.get('user') else ("group '%s'" % self.params.get('group'))
        return "%s of Harbor project '%s'" % (who, self.params.get('project'))

    def validate(self):
        check_name(self.params['project'], 'project', 'project name')
        entity = self.params.get('user') or self.params.get('group')
        if not entity or not entity.strip():
            raise ModuleFailure('user or group must be a non-empty name')
        self.role_id = role_id(self.params['role']) if self.params.get('role') is not None else None

    def read(self):
        name, entity_type = self.batch_key()
        members = self.list_in_project('/members', query={'entityname': name})
        for raw in members or []:
            if raw.get('entity_name') == name and raw.get('entity_type') == entity_type:
                return self._member(raw)
        return None

    def _member(self, raw):
        return normalize_member(self.params['project'], raw)

    def batch_scope(self):
        return ('members', self.params['project'])

    def batch_key(self):
        return (self.params.get('user') or self.params['group'], 'u' if self.params.get('user') else 'g')

    def read_batch(self):
        members = list_all(self.client, project_path(self.params['project'], '/members'), headers=BY_NAME,
                           limit=READ_AHEAD_LIMIT)
        if members is None:
            return None
        return dict(((raw.get('entity_name'), raw.get('entity_type')), self._member(raw)) for raw in members)

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'project': self.params['project'],
            'entity_name': self.params.get('user') or self.params['group'],
            'entity_type': 'user' if self.params.get('user') else 'group'}
        base['role_id'] = self.role_id
        base['role'] = ROLE_NAMES[self.role_id]
        return base

    def create(self, desired):
        body = {'role_id': desired['role_id']}
        if self.params.get('user'):
            body['member_user'] = {'username': self.params['user']}
        else:
            group = {'group_name': self.params['group'], 'group_type': GROUP_TYPES[self.params['group_type']]}
            if self.params.get('ldap_group_dn'):
                group['ldap_group_dn'] = self.params['ldap_group_dn']
            body['member_group'] = group
        try:
            self.client.post(project_path(self.params['project'], '/members'), body, headers=BY_NAME)
        except ApiError as exc:
            # Harbor onboards the member (auth.SearchAndOnBoardUser / SearchAndOnBoardGroup): 404 when the
            # user or group is unknown to it. Name the member and the way out, not just Harbor's wording.
            if exc.status != 404:
                raise
            if self.params.get('user'):
                hint = ("user: there is no Harbor user named '%s'; create it first with maestro.platform.harbor_user "
                        "(LDAP and OIDC users exist once they have signed in)" % self.params['user'])
            else:
                hint = ("group: Harbor does not know the %s group '%s'; create it first with "
                        "maestro.platform.harbor_user_group" % (self.params['group_type'], self.params['group']))
            raise ModuleFailure('Failed to add %s: %s (%s)' % (self.describe(), hint, exc), status=exc.status,
                                request_id=exc.request_id)

    def update(self, current, desired):
        self.client.put(project_path(self.params['project'], '/members/%s' % current['id']),
                        {'role_id': desired['role_id']}, headers=BY_NAME)

    def delete(self, current):
        self.client.delete(project_path(self.params['project'], '/members/%s' % current['id']), headers=BY_NAME)


# -- robot accounts ------------------------------------------------------------------------------
_CRUDL = ('create', 'delete', 'list', 'read', 'update')
# What Harbor lets a robot account be granted, per permission kind: resource -> actions. Harbor v2.15.2's
# robot handler (src/server/v2.0/handler/robot.go, validate/containsAccess) accepts an access only when
# this exact (resource, action) pair is in rbac.GetPermissionProvider() (src/common/rbac/const.go:
# PoliciesMap plus NolimitProvider's additions); anything else is 400 "bad request permission: r:a".
# There is no wildcard: "*" is not in the list, for resources or actions.
ROBOT_PERMISSIONS = {
    'project': {
        'accessory': ('list',), 'artifact': ('create', 'delete', 'list', 'read'),
        'artifact-addition': ('read',), 'artifact-label': ('create', 'delete'), 'export-cve': ('create', 'read'),
        'immutable-tag': ('create', 'delete', 'list', 'update'), 'label': _CRUDL, 'log': ('list',),
        'member': _CRUDL, 'metadata': _CRUDL, 'notification-policy': _CRUDL, 'preheat-policy': _CRUDL,
        'project': ('delete', 'read', 'update'), 'quota': ('read',),
        'repository': ('delete', 'list', 'pull', 'push', 'read', 'update'),
        'robot': ('create', 'delete', 'list', 'read'), 'sbom': ('create', 'read', 'stop'),
        'scan': ('create', 'read', 'stop'), 'scanner': ('create', 'read'), 'tag': ('create', 'delete', 'list'),
        'tag-retention': _CRUDL,
    },
    'system': {
        'audit-log': ('list',), 'catalog': ('read',),
        'garbage-collection': ('create', 'list', 'read', 'stop', 'update'),
        'jobservice-monitor': ('list', 'stop'), 'label': ('create', 'delete', 'read', 'update'),
        'ldap-user': ('create', 'list'), 'preheat-instance': _CRUDL, 'project': ('create', 'list'),
        'purge-audit': ('create', 'list', 'read', 'stop', 'update'), 'quota': ('list', 'read', 'update'),
        'registry': _CRUDL, 'replication': ('create', 'list', 'read'), 'replication-adapter': ('list',),
        'replication-policy': _CRUDL, 'robot': ('create', 'delete', 'list', 'read'),
        'scan-all': ('create', 'read', 'stop', 'update'), 'scanner': _CRUDL, 'security-hub': ('list', 'read'),
        'system-volumes': ('read',), 'user': _CRUDL, 'user-group': _CRUDL,
    },
}
SECRET_RULE_TEXT = '8 to 128 characters with at least one upper-case letter, one lower-case letter and one digit'


def check_robot_secret(secret, field='secret'):
    if not (8 <= len(secret) <= 128 and re.search(r'[A-Z]', secret) and re.search(r'[a-z]', secret)
            and re.search(r'\d', secret)):
        raise ModuleFailure('%s does not meet Harbor\'s rule for robot secrets: %s' % (field, SECRET_RULE_TEXT))


def check_robot_access(access, kind, field):
    """Refuse a resource or action Harbor does not grant to robots, before any request (ROBOT_PERMISSIONS)."""
    allowed = ROBOT_PERMISSIONS[kind]
    resource, action = access['resource'], access['action']
    if resource not in allowed:
        raise ModuleFailure('%s.resource %r is not a resource Harbor grants to robot accounts in a permission of '
                            'kind %s: use one of %s' % (field, resource, kind, ', '.join(sorted(allowed))))
    if action not in allowed[resource]:
        raise ModuleFailure('%s.action %r is not an action Harbor grants on %s (kind %s): use one of %s'
                            % (field, action, resource, kind, ', '.join(allowed[resource])))


def normalize_permissions(perms):
    result = []
    for perm in perms or []:
        access = sorted(({'resource': a.get('resource'), 'action': a.get('action'),
                          'effect': a.get('effect') or 'allow'} for a in perm.get('access') or []),
                        key=lambda a: (a['resource'] or '', a['action'] or '', a['effect']))
        result.append({'kind': perm.get('kind'), 'namespace': perm.get('namespace'), 'access': access})
    return sorted(result, key=lambda p: (p['kind'] or '', p['namespace'] or ''))


def robot_owner(full_name, prefix):
    """(project, short name) from a stored robot name: robot$proj+name -> ('proj', 'name')."""
    rest = full_name[len(prefix):] if full_name.startswith(prefix) else full_name
    if '+' in rest:
        project, dummy, short = rest.partition('+')
        return project, short
    return None, rest


def normalize_robot(raw, prefix):
    project, short = robot_owner(raw.get('name') or '', prefix)
    return {
        'id': raw.get('id'),
        'name': short,
        'full_name': raw.get('name'),
        'level': raw.get('level'),
        'project': project if raw.get('level') == 'project' else None,
        'description': raw.get('description') or '',
        'duration': raw.get('duration'),
        'disabled': bool(raw.get('disable')),
        'expires_at': raw.get('expires_at'),
        'editable': raw.get('editable'),
        'permissions': normalize_permissions(raw.get('permissions')),
        'creation_time': raw.get('creation_time'),
    }


def list_robots(client, level, project_id=None, name=None, limit=None):
    """Robot accounts of one level. Harbor lists only system robots without Level, and project robots only
    with Level=project and the project's id; name is matched (fuzzy) without the prefix."""
    query = ['Level=%s' % level]
    if level == 'project':
        query.append('ProjectID=%s' % project_id)
    if name:
        query.append('name=~%s' % name)
    return list_all(client, '/robots', query={'q': ','.join(query)}, limit=limit)


def find_robot(client, full_name, level, prefix, project_id=None):
    short = robot_owner(full_name, prefix)[1]
    for raw in list_robots(client, level, project_id, short):
        if raw.get('name') == full_name and raw.get('level') == level:
            return raw
    return None


def robot_settings(client):
    """Harbor's robot settings from GET /configurations (robot_name_prefix, robot_token_duration in days), or
    None when the caller may not read the configuration (only system admins may: 401/403)."""
    try:
        config = client.get('/configurations') or {}
    except ApiError as exc:
        if exc.status in (401, 403):
            return None
        raise
    return dict((key, (config.get(key) or {}).get('value')) for key in ('robot_name_prefix', 'robot_token_duration'))


def robot_prefix(params, settings):
    """The robot name prefix: name_prefix when given, else the server's robot_name_prefix, else Harbor's
    default robot$ (for a caller that cannot read the configuration)."""
    if params.get('name_prefix'):
        return params['name_prefix']
    return (settings or {}).get('robot_name_prefix') or 'robot$'


PERMISSION_OPTIONS = dict(
    kind=dict(type='str', choices=['project', 'system'], default='project'),
    namespace=dict(type='str'),
    access=dict(type='list', elements='dict', required=True, options=dict(
        resource=dict(type='str', required=True),
        action=dict(type='str', required=True),
        effect=dict(type='str', choices=['allow', 'deny'], default='allow'),
    )),
)


class RobotAccount(HarborResource):
    result_key = 'robot_account'
    kind = 'Harbor robot account'
    # per run (reset by run()): the parent project's id, whether the robot existed, a secret to return
    _project_id = None
    existed = None
    new_secret = None
    module_options = dict(
        name=dict(type='str', required=True),
        level=dict(type='str', choices=['system', 'project'], default='project'),
        project=dict(type='str'),
        description=dict(type='str'),
        duration=dict(type='int'),
        disabled=dict(type='bool'),
        permissions=dict(type='list', elements='dict', options=PERMISSION_OPTIONS),
        secret=dict(type='str', no_log=True),
        update_secret=dict(type='str', choices=['on_create', 'always'], default='on_create'),
        regenerate_secret=dict(type='bool', default=False),
        name_prefix=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module_kwargs = dict(HarborOperation.module_kwargs,
                         required_if=[('level', 'project', ('project',))],
                         mutually_exclusive=[('secret', 'regenerate_secret')])

    def describe(self):
        if self.params.get('level') == 'project':
            return "%s '%s' of project '%s'" % (self.kind, self.params.get('name'), self.params.get('project'))
        return "system %s '%s'" % (self.kind, self.params.get('name'))

    _settings = False  # per run: Harbor's robot settings (None when unreadable); False until read

    def settings(self):
        """Harbor's robot settings: read once per item, or once per loop (max_age) where the loop reads ahead."""
        if self._settings is False:
            load = functools.partial(robot_settings, self.client)
            self._settings = self.read_ahead.memo(('robot_settings',), load) if self.read_ahead else load()
        return self._settings

    def prefix(self):
        if self.params.get('name_prefix'):
            return self.params['name_prefix']
        return robot_prefix(self.params, self.settings())

    def default_duration(self):
        """Harbor's robot_token_duration (days). Harbor's API refuses a robot without a duration (handler
        robot.go isValidDuration: -1 or 1..MaxInt32), so the module sends the system's default itself."""
        duration = (self.settings() or {}).get('robot_token_duration')
        if not isinstance(duration, int) or duration <= 0:
            raise ModuleFailure('duration: cannot read the robot token expiry Harbor uses by default '
                                '(robot_token_duration in /configurations needs a system administrator); set '
                                'duration (days, or -1 for never) to create %s' % self.describe())
        return duration

    def full_name(self):
        prefix = self.prefix()
        if self.params['level'] == 'project':
            return '%s%s+%s' % (prefix, self.params['project'], self.params['name'])
        return prefix + self.params['name']

    def validate(self):
        check_name(self.params['name'], 'name', 'robot account name')
        level = self.params['level']
        if level == 'project':
            check_name(self.params['project'], 'project', 'project name')
        elif self.params.get('project'):
            raise ModuleFailure('project is only used with level=project; a system robot account names its '
                                'projects in permissions[].namespace')
        duration = self.params.get('duration')
        if duration is not None and duration != -1 and duration <= 0:
            raise ModuleFailure('duration must be -1 (never expires) or a positive number of days, got %s'
                                % duration)
        if self.params.get('secret') is not None:
            check_robot_secret(self.params['secret'])
        perms = self.params.get('permissions')
        if perms is None:
            self.permissions = None
            return
        if level == 'project' and len(perms) != 1:
            raise ModuleFailure('permissions: a project-level robot account has exactly one permission entry '
                                '(on its own project), got %d; use level=system for several projects'
                                % len(perms))
        self.permissions = normalize_permissions(
            [self._permission(perm, 'permissions[%d]' % index) for index, perm in enumerate(perms)])

    def _permission(self, perm, field):
        """One permissions[] entry checked and with its namespace resolved."""
        namespace = perm.get('namespace')
        if self.params['level'] == 'project':
            if perm['kind'] != 'project':
                raise ModuleFailure('%s.kind must be project for a project-level robot account' % field)
            if namespace not in (None, self.params['project']):
                raise ModuleFailure("%s.namespace: a project-level robot account of project '%s' can only "
                                    "have permissions on that project, not on '%s'; use level=system for "
                                    "access to other projects" % (field, self.params['project'], namespace))
            namespace = self.params['project']
        elif perm['kind'] == 'system':
            namespace = namespace or '/'
        elif not namespace:
            raise ModuleFailure("%s.namespace is required: name the project, or '*' for all projects" % field)
        elif namespace != '*':
            check_name(namespace, '%s.namespace' % field, 'project name')
        if not perm['access']:
            raise ModuleFailure('%s.access must list at least one resource and action' % field)
        for number, access in enumerate(perm['access']):
            check_robot_access(access, perm['kind'], '%s.access[%d]' % (field, number))
        return {'kind': perm['kind'], 'namespace': namespace, 'access': perm['access']}

    def project_id(self):
        if self._project_id is None:
            self._project_id = (self.parent_project() or {}).get('project_id', False)
        return self._project_id

    def read(self):
        level = self.params['level']
        if level == 'project' and self.project_id() is False:
            raw = None  # check mode, project not created yet
        else:
            raw = find_robot(self.client, self.full_name(), level, self.prefix(),
                             self.project_id() if level == 'project' else None)
        current = normalize_robot(raw, self.prefix()) if raw else None
        if self.existed is None:
            self.existed = current is not None
        return current

    def batch_scope(self):
        return ('robots', self.params['level'], self.params.get('project'), self.prefix())

    def batch_key(self):
        return self.full_name()

    def read_batch(self):
        level, project_id = self.params['level'], None
        if level == 'project':
            # Robots are listed per project id: one project listing per loop finds every project's id (a
            # listing is only used to find nothing to change; writes use the id read by name).
            ids = self.read_ahead.memo('harbor-project-ids', self._project_ids) if self.read_ahead else {}
            project_id = ids.get(self.params['project']) or self.project_id()
            if not project_id:
                return None
        robots = list_robots(self.client, level, project_id, limit=READ_AHEAD_LIMIT)
        if robots is None:
            return None
        return dict((raw['name'], normalize_robot(raw, self.prefix()))
                    for raw in robots if raw.get('level') == level)

    def _project_ids(self):
        projects = list_all(self.client, '/projects', limit=READ_AHEAD_LIMIT) or []
        return dict((raw.get('name'), raw.get('project_id')) for raw in projects)

    def validate_against(self, current):
        if current is None and self.permissions is None:
            raise ModuleFailure('permissions is required to create %s' % self.describe())

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'name': self.params['name'], 'full_name': self.full_name(), 'level': self.params['level'],
            'project': self.params.get('project'), 'description': '', 'duration': None, 'disabled': False,
            'expires_at': None, 'editable': None, 'permissions': [], 'creation_time': None}
        for option in ('description', 'duration', 'disabled'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.permissions is not None:
            base['permissions'] = self.permissions
        if base['duration'] is None:
            base['duration'] = self.default_duration()
        return base

    def run(self):
        self.new_secret = None
        self.existed = None
        self._project_id = None
        self._settings = False
        result = super(RobotAccount, self).run()
        if self.existed is None:  # answered from the loop's read-ahead: nothing to change, so it is there
            self.existed = bool(result.get(self.result_key))
        if self.params['state'] == 'absent' or not self.existed:
            # a new robot already has the secret Harbor generated (or the one the task gave, set by create())
            return self._with_secret(result)
        rotate = self.params['regenerate_secret'] or (
            self.params['update_secret'] == 'always' and self.params.get('secret') is not None)
        if not rotate:
            return result
        result['changed'] = True
        if not self.check_mode:
            robot_id = result[self.result_key]['id']
            try:
                answer = self.client.patch('/robots/%s' % robot_id, {'secret': self.params.get('secret') or ''},
                                           idempotent=self.params.get('secret') is not None)
            except ApiError as exc:
                raise ModuleFailure('Failed to refresh the secret of %s: %s' % (self.describe(), exc),
                                    status=exc.status, request_id=exc.request_id)
            if self.params.get('secret') is None:
                self.new_secret = (answer or {}).get('secret')
        return self._with_secret(result)

    def _with_secret(self, result):
        if self.new_secret:
            result['secret'] = self.new_secret
        return result

    def _body(self, desired):
        return {'description': desired['description'], 'duration': desired['duration'],
                'disable': desired['disabled'], 'level': desired['level'],
                'permissions': desired['permissions']}

    def create(self, desired):
        body = self._body(desired)
        body['name'] = self.params['name']
        answer = self.client.post('/robots', body) or {}
        chosen = self.params.get('secret')
        if chosen is None:
            self.new_secret = answer.get('secret')
            return
        # Harbor generated a secret nobody will use: replace it with the chosen one (setting the same secret
        # twice is harmless, so the request may be repeated). Should that fail, the robot goes again, so that
        # no robot is left whose secret nobody knows and the next run creates it afresh.
        try:
            self.client.patch('/robots/%s' % answer['id'], {'secret': chosen}, idempotent=True)
        except ApiError as exc:
            try:
                self.client.delete('/robots/%s' % answer['id'])
                outcome = 'the robot was deleted again, so the next run creates it afresh'
            except ApiError as cleanup:
                outcome = ('deleting it again failed too (%s): delete it, or set the secret with '
                           'update_secret=always' % cleanup)
            raise ModuleFailure('Failed to set the chosen secret of %s after creating it (%s): %s'
                                % (self.describe(), outcome, exc), status=exc.status, request_id=exc.request_id)

    def update(self, current, desired):
        body = self._body(desired)
        body.update(id=current['id'], name=current['full_name'], editable=True)
        self.client.put('/robots/%s' % current['id'], body)

    def delete(self, current):
        self.client.delete('/robots/%s' % current['id'])


class RobotAccountInfo(HarborOperation, Info):
    module_options = dict(
        name=dict(type='str'),
        level=dict(type='str', choices=['system', 'project']),
        project=dict(type='str'),
        name_prefix=dict(type='str'),
    )

    def run(self):
        prefix = robot_prefix(self.params, None if self.params.get('name_prefix') else robot_settings(self.client))
        name, level, project = self.params.get('name'), self.params.get('level'), self.params.get('project')
        raws = []
        if level in (None, 'system') and not project:
            raws.extend(list_robots(self.client, 'system', name=name))
        if level in (None, 'project'):
            if project:
                found = get_or_none(self.client, project_path(project), headers=BY_NAME)
                projects = [found] if found else []
            else:
                projects = list_all(self.client, '/projects')
            for raw_project in projects:
                raws.extend(list_robots(self.client, 'project', raw_project['project_id'], name=name))
        robots = [normalize_robot(raw, prefix) for raw in raws]
        if name:
            robots = [r for r in robots if r['name'] == name]
        return {'changed': False, 'robot_accounts': robots}
