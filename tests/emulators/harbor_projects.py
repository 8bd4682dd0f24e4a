# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor v2.15.2 projects, repositories, project metadata, quotas and members: a mixin of HarborEmulator
(tests/emulators/harbor.py; its routes are collected over the MRO). Test support, not shipped.

- projects: CRUD, HEAD ?project_name=, list with name (fuzzy), public, owner, q (k=v, k=~v, k={a b}),
  sort (default: by name, the model's sort:"default"), page/page_size, X-Total-Count and Link
  (Harbor's format: ``<url>; rel="prev" , <url>; rel="next"`` with an unescaped query); metadata
  values are strings, public defaults to "false" and only "true" or "false" are accepted for it
  (project.go checks no other metadata value on create or update); name rule
  ^[a-z0-9]+(?:[._-][a-z0-9]+)*$ (1-255); 409 duplicate; storage_limit missing or 0 (or set by a
  non-admin) means storage_per_project; proxy cache projects (registry_id, admin only, registry types
  Harbor permits) get a 7-day retention policy and retention_id, proxy_speed_kb/max_upstream_conn are
  dropped for other projects; 412 "precondition failed" deleting a project with repositories
  (_deletable gives the reason); X-Is-Resource-Name; X-Resource-Name-In-Location; metadata
  sub-resource; repositories list/get/delete (to empty a project); a fresh server holds the public
  ``library`` project, as a new Harbor does. PUT merges metadata, replaces cve_allowlist, ignores the
  top-level public and storage_limit (quota goes through /quotas), rejects a foreign retention_id.
- quotas (quota.go): list by reference/reference_id, get, PUT {"hard": {"storage": N}}, N = -1 or > 0.
- members (member.go and its controller): users by id or name, groups by id, LDAP DN or name + type
  (HTTP/OIDC groups are onboarded on first use), roles 1 projectAdmin, 2 developer, 3 guest,
  4 maintainer, 5 limitedGuest; the creator is projectAdmin; 409 "The project member specified already
  exist"; Location names the project as the request did; ?entityname= filters the page but
  X-Total-Count counts all members.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import unquote

from .framework import HttpError, route
from .harbor_common import NAME_RE, _bad, _bad_cause, _now, _precondition_cause, _quota_limit_error

# src/controller/member/controller.go ErrInvalidRole (v2.15.2): the text predates roles 4 and 5
INVALID_ROLE = 'Failed to update project member, role is not in 1,2,3'
ROLES = {1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest'}
SEVERITIES = ('none', 'negligible', 'low', 'medium', 'high', 'critical')
PROXY_CACHE_REGISTRY_TYPES = ('docker-hub', 'harbor', 'azure-acr', 'ali-acr', 'aws-ecr', 'google-gcr', 'quay',
                              'docker-registry', 'github-ghcr', 'jfrog-artifactory')
PROXY_ONLY_METADATA = ('proxy_speed_kb', 'max_upstream_conn', 'proxy_cache_filter_pattern', 'proxy_cache_filter_kind')


def _parse_int32_error(value):
    """The error text of Go's strconv.ParseInt(value, 10, 32), or None."""
    text = str(value)
    if not re.match(r'^[+-]?\d+$', text):
        return 'strconv.ParseInt: parsing "%s": invalid syntax' % text
    if not -2 ** 31 <= int(text) < 2 ** 31:
        return 'strconv.ParseInt: parsing "%s": value out of range' % text
    return None


def proxy_cache_retention(project, days=7):
    """The retention policy Harbor creates with a proxy cache project (policy.WithNDaysSinceLastPull)."""
    return {'algorithm': 'or', 'scope': {'level': 'project', 'ref': project['project_id']},
            'trigger': {'kind': 'Schedule', 'settings': {'cron': '0 0 0 * * *'}},
            'rules': [{'disabled': False, 'action': 'retain', 'template': 'nDaysSinceLastPull',
                       'params': {'nDaysSinceLastPull': days},
                       'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**'}],
                       'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches',
                                                           'pattern': '**'}]}}]}


class HarborProjectsMixin:
    """Projects, repositories, metadata, quotas and members for HarborEmulator (see the module docstring)."""

    # --- projects -----------------------------------------------------------------------------------------
    @staticmethod
    def _validate_metadata(metadata):
        """projectMetadataAPI.validate: one key; booleans parsed like Go's ParseBool; severity normalised."""
        if len(metadata) != 1:
            raise _bad('only allow one key/value pair')
        (key, value), = metadata.items()
        if key in ('public', 'enable_content_trust', 'enable_content_trust_cosign', 'prevent_vul', 'auto_scan'):
            truth = {'1': 'true', 't': 'true', 'T': 'true', 'TRUE': 'true', 'true': 'true', 'True': 'true',
                     '0': 'false', 'f': 'false', 'F': 'false', 'FALSE': 'false', 'false': 'false', 'False': 'false'}
            if value not in truth:
                raise _bad('invalid value: %s' % value)
            return {key: truth[value]}
        if key == 'severity':
            if str(value).lower() not in SEVERITIES:
                raise _bad('invalid value: %s' % value)
            return {key: str(value).lower()}
        raise _bad('invalid key: %s' % key)

    @staticmethod
    def _clean_metadata(metadata):
        return {k: v for k, v in (metadata or {}).items() if v is not None}

    def _allowlist(self, project_id, body):
        now = _now()
        allowlist = {'id': project_id, 'project_id': project_id, 'items': [], 'creation_time': now,
                     'update_time': now}
        if body:
            allowlist['items'] = [{'cve_id': i.get('cve_id', '')} for i in body.get('items') or []]
            if body.get('expires_at') is not None:
                allowlist['expires_at'] = body['expires_at']
        return allowlist

    def _create_project(self, name, owner, metadata, storage_limit=None, registry_id=None, allowlist=None):
        project_id = self._next('project')
        now = _now()
        metadata = dict(metadata)
        metadata.setdefault('public', 'false')
        project = {'project_id': project_id, 'name': name, 'owner_id': owner['user_id'],
                   'owner_name': owner['username'], 'creation_time': now, 'update_time': now,
                   'metadata': metadata, 'registry_id': registry_id or 0,
                   'cve_allowlist': self._allowlist(project_id, allowlist)}
        self.projects[project_id] = project
        if owner.get('user_id'):
            member_id = self._next('member')
            self.members[member_id] = {'id': member_id, 'project_id': project_id, 'entity_type': 'u',
                                       'entity_id': owner['user_id'], 'role_id': 1}
        if storage_limit is None:
            storage_limit = self.config['storage_per_project']
        quota_id = self._next('quota')
        self.quotas[quota_id] = {'id': quota_id, 'project_id': project_id, 'hard': {'storage': storage_limit},
                                 'used': {'storage': 0}, 'creation_time': now, 'update_time': now}
        return project

    def _quota_of(self, project_id):
        for quota in self.quotas.values():
            if quota['project_id'] == project_id:
                return quota
        return None

    def _project_out(self, project, user):
        role = self._role(user, project)
        out = {k: project[k] for k in ('project_id', 'name', 'owner_id', 'owner_name', 'creation_time',
                                       'update_time')}
        out.update({'deleted': False, 'togglable': True, 'current_user_role_id': role,
                    'current_user_role_ids': [role] if role else [],
                    'repo_count': len(self.repositories.get(project['project_id'], {})),
                    'metadata': dict(project['metadata']), 'cve_allowlist': copy.deepcopy(project['cve_allowlist'])})
        if project['registry_id']:
            out['registry_id'] = project['registry_id']
        return out

    def _visible_projects(self, user):
        return [p for p in self.projects.values()
                if (user and user.get('sysadmin_flag')) or p['metadata'].get('public') == 'true' or self._role(user, p)]

    @route('GET', '/projects', auth='optional')
    def list_projects(self, call):
        """Anonymous callers (no or bad credentials: Harbor falls back to anonymous) see public projects."""
        items = self._visible_projects(call.user)
        name = call.arg('name')
        if name:
            items = [p for p in items if name in p['name']]
        public = call.arg('public')
        if public is not None:
            items = [p for p in items if p['metadata'].get('public') == ('true' if public.lower() == 'true' else 'false')]
        owner = call.arg('owner')
        if owner:
            items = [p for p in items if p['owner_name'] == owner]
        for key, op_value in self._parse_q(call).items():
            if key in ('name', 'owner_name', 'project_id'):
                items = [p for p in items if self._q_match(p.get(key), op_value)]
            elif key == 'public':
                items = [p for p in items if self._q_match(p['metadata'].get('public'), op_value)]
        out = self._sort(call, [self._project_out(p, call.user) for p in items], 'name')  # Name: sort:"default"
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('HEAD', '/projects', auth='optional')
    def head_project(self, call):
        name = call.arg('project_name')
        project = self.project(name)
        if project is None:
            raise self._absent_project(call, name)
        self._check_project_access(call, project)
        return 200, None

    def _validate_project_request(self, metadata, registry_id, storage_limit):
        """handler/project.go validateProjectReq (v2.15.2): BadRequestError(fmt.Errorf(...)) reads
        "bad request: <reason>"; BadRequestError(nil).WithMessagef(...) the message alone."""
        if metadata.get('retention_id'):
            raise _bad_cause("the retention_id in the request's payload when creating a project should be omitted, "
                             "alternatively passing an empty string")
        if registry_id is not None:
            if registry_id <= 0:
                raise _bad_cause('%d is invalid value of registry_id, it should be geater than 0' % registry_id)
            registry = self.registries.get(registry_id)
            if registry is None:
                raise HttpError(500, 'internal server error')  # fmt.Errorf("failed to get the registry %d: %v")
            if registry['type'] not in PROXY_CACHE_REGISTRY_TYPES:
                raise _bad_cause('unsupported registry type %s' % registry['type'])
            for key, text in (('proxy_speed_kb', "metadata.proxy_speed_kb should by an int32, but got: '%s', err: %s"),
                              ('max_upstream_conn', "metadata.max_upstream_conn should be an int, but got '%s', "
                                                    "err: %s")):
                if key in metadata:
                    error = _parse_int32_error(metadata[key])
                    if error:
                        raise _bad(text % (metadata[key], error))
        if storage_limit is not None:
            error = _quota_limit_error(storage_limit)
            if error:
                raise _bad_cause(error)  # BadRequestError(quota.Validate(...))

    @route('POST', '/projects')
    def create_project(self, call):
        """Harbor's CreateProject (project.go) and its validateProjectReq."""
        body = call.body or {}
        name = body.get('project_name') or ''
        user = call.user
        is_admin = bool(user.get('sysadmin_flag'))
        # handler/project.go CreateProject (v2.15.2): ForbiddenError(nil).WithMessage(...), the message alone
        if user.get('robot_id') and not user.get('system_robot'):
            raise HttpError(403, 'Only system level robot can create project')
        if self.config['project_creation_restriction'] == 'adminonly' and not is_admin:
            raise HttpError(403, 'Only system admin can create project')
        registry_id = body.get('registry_id')
        if registry_id is not None and not is_admin:
            raise HttpError(403, 'Only system admin can create proxy cache project')
        storage_limit = body.get('storage_limit')
        if self.config['quota_per_project_enable']:
            if storage_limit in (None, 0) or not is_admin:
                storage_limit = self.config['storage_per_project']
        else:
            storage_limit = None
        metadata = self._clean_metadata(body.get('metadata'))
        if 'public' not in metadata and body.get('public') is not None:
            metadata['public'] = 'true' if body['public'] else 'false'
        metadata.setdefault('public', 'false')
        if metadata['public'] not in ('true', 'false'):  # handler/project.go CreateProject: WithMessagef
            raise _bad("metadata.public should only be 'true' or 'false', but got: '%s'" % metadata['public'])
        if registry_id is None:
            for key in PROXY_ONLY_METADATA:
                metadata.pop(key, None)
        else:
            metadata.pop('enable_content_trust', None)
        self._validate_project_request(metadata, registry_id, storage_limit)
        # pkg/project/manager.go Create: the name is checked after the request (BadRequestError(nil).WithMessage)
        if not 1 <= len(name) <= 255:
            raise _bad('Project name %s is illegal in length. (greater than 255 or less than 1)' % name)
        if not NAME_RE.match(name):
            raise _bad('project name is not in lower case or contains illegal characters')
        if self.project(name) is not None:
            # pkg/project/dao/dao.go Create: orm.WrapConflictError(err, "The project named %s already exists")
            raise HttpError(409, 'The project named %s already exists' % name)
        metadata.pop('retention_id', None)
        owner = user if user.get('user_id') else self.users[1]  # robots: the first admin owns the project
        project = self._create_project(name, owner, metadata, storage_limit=storage_limit,
                                       registry_id=registry_id, allowlist=body.get('cve_allowlist'))
        if registry_id is not None:  # Harbor gives a proxy cache project a 7-day retention policy
            retention_id = self._next('retention')
            self.retentions[retention_id] = self._retention_record(retention_id, proxy_cache_retention(project))
            project['metadata']['retention_id'] = str(retention_id)
        in_location = (call.header('X-Resource-Name-In-Location') or '').lower() == 'true'
        return 201, None, self._location('/projects/%s' % (name if in_location else project['project_id']))

    @route('GET', '/projects/{project_name_or_id}', auth='optional')
    def get_project(self, call):
        return 200, self._project_out(self._find_project(call), call.user)

    @route('PUT', '/projects/{project_name_or_id}')
    def update_project(self, call):
        """Harbor's UpdateProject: metadata merged (top-level public and storage_limit are ignored)."""
        project = self._find_project(call, manage=True)
        body = call.body or {}
        allowlist_body = body.get('cve_allowlist')
        if allowlist_body is not None:
            given = allowlist_body.get('project_id') or 0
            if given not in (0, project['project_id']):  # handler/project.go UpdateProject: WithMessagef
                raise _bad("project_id in cve_allowlist must be %d but it's %d" % (project['project_id'], given))
        metadata = self._clean_metadata(body.get('metadata'))
        if not project['registry_id']:
            for key in PROXY_ONLY_METADATA:
                metadata.pop(key, None)
        else:
            metadata.pop('enable_content_trust', None)
        # handler/project.go UpdateProject: errors.New(nil).WithMessage(errMsg).WithCode(BadRequestCode)
        if 'retention_id' in metadata and metadata['retention_id'] != project['metadata'].get('retention_id'):
            raise _bad("the retention_id in the request's payload when updating a project should be omitted, "
                       "alternatively passing the one that has already been associated to this project")
        project['metadata'].update(metadata)
        if allowlist_body is not None:
            allowlist = self._allowlist(project['project_id'], allowlist_body)
            allowlist['creation_time'] = project['cve_allowlist']['creation_time']
            project['cve_allowlist'] = allowlist
        project['update_time'] = _now()
        return 200, None

    def _deletable(self, project):
        if self.repositories.get(project['project_id']):
            return False, 'the project contains repositories, can not be deleted'
        return True, ''

    @route('GET', '/projects/{project_name_or_id}/_deletable')
    def project_deletable(self, call):
        deletable, message = self._deletable(self._find_project(call, manage=True))
        return 200, {'deletable': deletable, 'message': message}

    @route('DELETE', '/projects/{project_name_or_id}')
    def delete_project(self, call):
        project = self._find_project(call, manage=True)
        if call.user.get('sysadmin_flag') is False and self._role(call.user, project) != 1:
            raise self._forbidden()
        deletable, sep = self._deletable(project)
        if not deletable:
            # handler/project.go DeleteProject: PreconditionFailedError(errors.New(result.Message)), marshalled
            # with its cause (src/lib/errors/errors.go MarshalJSON uses Error(): "<message>: <cause>")
            raise _precondition_cause(sep)
        project_id = project['project_id']
        del self.projects[project_id]
        self.repositories.pop(project_id, None)
        for table in (self.members, self.quotas, self.webhooks, self.immutable_rules):
            for key in [k for k, v in table.items() if v.get('project_id') == project_id]:
                del table[key]
        for key in [k for k, r in self.robots.items() if r.get('project_id') == project_id]:
            del self.robots[key]
        for key in [k for k, r in self.retentions.items() if r['scope'].get('ref') == project_id]:
            del self.retentions[key]
        return 200, None

    # --- repositories (enough to empty a project before deleting it) --------------------------------------
    def _repositories(self, call):
        project = self._find_project(call, key='project_name', by_name=True)
        return project, self.repositories.get(project['project_id'], {})

    @staticmethod
    def _repo_out(repo):
        return dict(repo)

    @route('GET', '/projects/{project_name}/repositories', auth='optional')
    def list_repositories(self, call):
        sep, repos = self._repositories(call)
        items = [self._repo_out(r) for r in repos.values()]
        for key, op_value in self._parse_q(call).items():
            if key == 'name':
                items = [r for r in items if self._q_match(r['name'], op_value)]
        page, headers = self._paginate(call, self._sort(call, items, 'id'))
        return 200, page, headers

    @route('GET', '/projects/{project_name}/repositories/{repository_name}', auth='optional')
    def get_repository(self, call):
        sep, repos = self._repositories(call)
        name = unquote(call.params['repository_name'])  # Harbor wants a/b encoded twice: a%252Fb
        if name not in repos:
            raise HttpError(404, 'repository %s/%s not found' % (call.params['project_name'], name))
        return 200, self._repo_out(repos[name])

    @route('DELETE', '/projects/{project_name}/repositories/{repository_name}')
    def delete_repository(self, call):
        project, repos = self._repositories(call)
        self._check_project_access(call, project, manage=True)
        name = unquote(call.params['repository_name'])
        if name not in repos:
            raise HttpError(404, 'repository %s/%s not found' % (call.params['project_name'], name))
        del repos[name]
        return 200, None

    # --- project metadata (project_metadata.go) -----------------------------------------------------------
    @route('GET', '/projects/{project_name_or_id}/metadatas/')
    def list_metadata(self, call):
        return 200, dict(self._find_project(call)['metadata'])

    @route('POST', '/projects/{project_name_or_id}/metadatas/')
    def add_metadata(self, call):
        project = self._find_project(call, manage=True)
        project['metadata'].update(self._validate_metadata(self._clean_metadata(call.body)))
        return 200, None

    @route('GET', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def get_metadata(self, call):
        project = self._find_project(call)
        name = call.params['meta_name']
        # Harbor answers the keys it has: {} for an absent one
        return 200, {name: project['metadata'][name]} if name in project['metadata'] else {}

    @route('PUT', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def put_metadata(self, call):
        project = self._find_project(call, manage=True)
        name = call.params['meta_name']
        project['metadata'].update(self._validate_metadata({name: (call.body or {}).get(name)}))
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def delete_metadata(self, call):
        """Any key, retention_id included (the way to free a project after DELETE /retentions/{id})."""
        project = self._find_project(call, manage=True)
        project['metadata'].pop(call.params['meta_name'], None)
        return 200, None

    # --- quotas -------------------------------------------------------------------------------------------
    def _quota_out(self, quota):
        project = self.projects.get(quota['project_id'], {})
        return {'id': quota['id'], 'ref': {'id': quota['project_id'], 'name': project.get('name'),
                                           'owner_name': project.get('owner_name')},
                'hard': dict(quota['hard']), 'used': dict(quota['used']),
                'creation_time': quota['creation_time'], 'update_time': quota['update_time']}

    @route('GET', '/quotas')
    def list_quotas(self, call):
        self._require_admin(call)
        items = list(self.quotas.values())
        reference = call.arg('reference')
        if reference and reference != 'project':
            items = []
        reference_id = call.arg('reference_id')
        if reference_id:
            items = [q for q in items if str(q['project_id']) == reference_id]
        out = self._sort(call, [self._quota_out(q) for q in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    def _quota(self, call):
        self._require_admin(call)
        quota = self.quotas.get(int(call.params['id']))
        if quota is None:  # pkg/quota/dao/dao.go Get: orm.WrapNotFoundError(err, "quota %d not found", id)
            raise HttpError(404, 'quota %s not found' % call.params['id'])
        return quota

    @route('GET', '/quotas/{id}')
    def get_quota(self, call):
        return 200, self._quota_out(self._quota(call))

    @route('PUT', '/quotas/{id}')
    def update_quota(self, call):
        quota = self._quota(call)
        # handler/quota.go UpdateQuota (v2.15.2): "hard required in body", then quota.Validate (driver/project
        # Validate: each resource, then lib.ValidateQuotaLimit, then "resource storage not found") as
        # BadRequestError(nil).WithMessage(err.Error())
        hard = (call.body or {}).get('hard') or {}
        if not hard:
            raise _bad('hard required in body')
        for resource, value in hard.items():
            if resource != 'storage':
                raise _bad('resource %s not support' % resource)
            error = _quota_limit_error(value)
            if error:
                raise _bad(error)
        quota['hard'].update(hard)
        quota['update_time'] = _now()
        return 200, None

    # --- members ------------------------------------------------------------------------------------------
    def _member_out(self, member):
        if member['entity_type'] == 'u':
            entity = self.users.get(member['entity_id'], {})
            name = entity.get('username', '')
        else:
            name = self.groups.get(member['entity_id'], {}).get('group_name', '')
        return {'id': member['id'], 'project_id': member['project_id'], 'entity_name': name,
                'role_name': ROLES.get(member['role_id'], ''), 'role_id': member['role_id'],
                'entity_id': member['entity_id'], 'entity_type': member['entity_type']}

    def _member(self, call, manage=False, missing_ok=False):
        """The member of the path; pkg/member/manager.go Get (v2.15.2): NotFoundError(nil).WithMessagef("the
        project member is not found, project id %v, member id %v"). PUT and DELETE go straight to SQL
        (pkg/member/dao/dao.go UpdateProjectMemberRole, DeleteProjectMemberByID: no row, no error):
        ``missing_ok`` gives None there."""
        project = self._find_project(call, manage=manage)
        member = self.members.get(int(call.params['mid']))
        if member is None or member['project_id'] != project['project_id']:
            if missing_ok:
                return project, None
            raise HttpError(404, 'the project member is not found, project id %d, member id %s'
                            % (project['project_id'], call.params['mid']))
        return project, member

    @route('GET', '/projects/{project_name_or_id}/members')
    def list_members(self, call):
        project = self._find_project(call)
        items = [self._member_out(m) for m in self.members.values() if m['project_id'] == project['project_id']]
        sep, headers = self._paginate(call, items)
        entity = call.arg('entityname')
        if entity:  # Harbor lists with the entityname filter but counts (X-Total-Count, Link) without it
            items = [m for m in items if entity in m['entity_name']]
        page, sep = self._paginate(call, items)
        return 200, page, headers

    @route('GET', '/projects/{project_name_or_id}/members/{mid}')
    def get_member(self, call):
        return 200, self._member_out(self._member(call)[1])

    def _resolve_member_entity(self, body):
        """Harbor's member controller: user by id or name, group by id, LDAP DN or name (+type)."""
        user = body.get('member_user') or {}
        group = body.get('member_group') or {}
        if not (user.get('user_id') or user.get('username') or group.get('id') or group.get('group_name')
                or group.get('ldap_group_dn')):
            # controller/member/controller.go Create: fmt.Errorf("can not get valid member entity, ...") has
            # no code: a 500
            raise HttpError(500, 'internal server error')
        if user.get('user_id'):
            if user['user_id'] not in self.users:
                # controller Create: BadRequestError(nil).WithMessagef("Failed to get user %d: %v") around the
                # user manager's NotFoundError "user %d not found" (pkg/user/manager.go Get)
                raise _bad('Failed to get user %d: user %d not found' % (user['user_id'], user['user_id']))
            return 'u', user['user_id']
        if group.get('id'):
            if group['id'] not in self.groups:  # the group dao's Get answers nil, nil: "Group %d not found"
                raise _bad('Group %d not found' % group['id'])
            return 'g', group['id']
        if user.get('username'):
            for candidate in self.users.values():
                if candidate['username'] == user['username']:
                    return 'u', candidate['user_id']
            # core/auth/authenticator.go SearchAndOnBoardUser finds nobody: NotFoundError "user %s is not found"
            raise HttpError(404, 'user %s is not found' % user['username'])
        if group.get('ldap_group_dn'):
            for candidate in self.groups.values():
                if candidate['group_type'] == 1 and candidate.get('ldap_group_dn') == group['ldap_group_dn']:
                    return 'g', candidate['id']
            return 'g', self.add_group(group.get('group_name') or group['ldap_group_dn'], 1, group['ldap_group_dn'])['id']
        for candidate in self.groups.values():
            if candidate['group_name'] == group['group_name'] and candidate['group_type'] == group.get('group_type'):
                return 'g', candidate['id']
        if group.get('group_type') not in (2, 3):  # only HTTP and OIDC groups are onboarded by name
            raise HttpError(404, 'group %s not found' % group['group_name'])
        return 'g', self.add_group(group['group_name'], group['group_type'])['id']

    @route('POST', '/projects/{project_name_or_id}/members')
    def create_member(self, call):
        project = self._find_project(call, manage=True)
        body = call.body or {}
        role_id = body.get('role_id')
        entity_type, entity_id = self._resolve_member_entity(body)
        for member in self.members.values():
            if (member['project_id'], member['entity_type'], member['entity_id']) == (
                    project['project_id'], entity_type, entity_id):
                raise HttpError(409, 'The project member specified already exist')  # ErrDuplicateProjectMember
        if role_id not in ROLES:  # controller Create: isValidRole, after the duplicate check
            raise _bad(INVALID_ROLE)
        member_id = self._next('member')
        self.members[member_id] = {'id': member_id, 'project_id': project['project_id'],
                                   'entity_type': entity_type, 'entity_id': entity_id, 'role_id': role_id}
        # Harbor's Location names the project as the request did (name or id)
        return 201, None, {'Location': '/api/v2.0/projects/%s/members/%d' % (self._project_ref(call, project),
                                                                             member_id)}

    def _project_ref(self, call, project):
        value = call.params['project_name_or_id']
        by_name = (call.header('X-Is-Resource-Name') or '').lower() == 'true' or not value.isdigit()
        return project['name'] if by_name else project['project_id']

    @route('PUT', '/projects/{project_name_or_id}/members/{mid}')
    def update_member(self, call):
        """handler/member.go UpdateProjectMember (v2.15.2): "role can not be empty" when the body has no role;
        the controller's UpdateRole checks no role id (isValidRole is for Create only) and its SQL update
        touches no row for a member that is not there."""
        sep, member = self._member(call, manage=True, missing_ok=True)
        if call.body is None:
            raise _bad('role can not be empty')
        role_id = call.body.get('role_id') or 0
        if member is not None:
            member['role_id'] = role_id
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/members/{mid}')
    def delete_member(self, call):
        sep, member = self._member(call, manage=True, missing_ok=True)
        if member is not None:  # DeleteProjectMemberByID: a DELETE that matches no row is no error
            del self.members[member['id']]
        return 200, None
