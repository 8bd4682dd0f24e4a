# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Nexus Repository 3.94 repositories and blob stores: a mixin of NexusEmulator (tests/emulators/nexus.py; its
routes are collected over the MRO). Test support, not shipped.

Behaviour implemented from ../shared/specs/README.md (read from the server's source code):
- repositories: create 201, duplicate name (case-insensitive) 400 [{"id","message"}], update 204, 404
  when missing, rename and blob store change rejected (400). GET /v1/repositories/{name} is a summary; the
  full settings come from GET /v1/repositories/{format}/{type}/{name} (404 for another format/type).
  writePolicy is echoed exactly as it was stored; httpClient.authentication.password is never returned
  (an update without it clears it: a PUT replaces the whole configuration). Errors of the repository
  manager (duplicate name, blob store change, members ...) are 400 with the message as a JSON string, as
  the server's REST resource sends them; bean-validation errors are lists of {"id", "message"}.
- group members must exist and have the group's format; a deleted repository leaves every group (a group
  whose last member is deleted would then answer memberNames [], which the spec forbids: tests avoid it).
- S3 blob stores use ``security`` and ``advancedConnection`` (README); the secret access key is returned
  as Nexus's password placeholder, and sending the placeholder back keeps the stored secret.
- blob store soft quotas: ``softQuota.limit`` is kept exactly as sent and means bytes (nexus-public
  BlobStoreApiModel.setSoftQuotaAttributes and S3BlobStoreApiModelMapper -> quotaConfig(type, limit) store the
  number unconverted in the quota's ``limit`` attribute, which the quota checks compare with bytes; the
  spec's "The limit in MB" is the UI's unit, converted by the UI).
"""

from __future__ import annotations

import copy
import json
import re

from tests.emulators.framework import HttpError, route
from tests.emulators.nexus_formats import FORMATS as MORE_FORMATS

PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'
# GroupHandler.INSUFFICIENT_LICENSE, what validateGroupDeploy answers when the edition is not PRO
INSUFFICIENT_LICENSE = ('Deploying to groups is a PRO-licensed feature. See '
                        'https://links.sonatype.com/product-nexus-repository')
# format -> repository types served (the emulator implements these; the spec has more formats)
FORMATS = {
    'pypi': ('proxy', 'hosted', 'group'),
    'npm': ('proxy', 'hosted', 'group'),
    'maven': ('proxy', 'hosted', 'group'),
    'docker': ('proxy', 'hosted', 'group'),
    'raw': ('proxy', 'hosted', 'group'),
    'go': ('proxy', 'group'),
    'helm': ('proxy', 'hosted'),
    'gitlfs': ('hosted',),
    'cocoapods': ('proxy',),
    'p2': ('proxy',),
}
FORMATS.update(MORE_FORMATS)  # huggingface, conda, apt, yum: tests/emulators/nexus_formats.py
# maven's API format name differs from its URL segment
API_FORMAT = {'maven': 'maven2'}
URL_FORMAT = dict((v, k) for k, v in API_FORMAT.items())
WRITE_POLICIES = ('allow', 'allow_once', 'deny')


def _repo_routes(kind):
    """Decorate one handler with the route of every (format, type) the emulator serves."""

    def decorate(func):
        for fmt, types in FORMATS.items():
            for rtype in types:
                base = '/v1/repositories/%s/%s' % (fmt, rtype)
                if kind == 'create':
                    func = route('POST', base, extra_statuses=(400,))(func)
                elif kind == 'get':
                    func = route('GET', base + '/{repositoryName}', extra_statuses=(200, 404))(func)
                else:
                    func = route('PUT', base + '/{repositoryName}', extra_statuses=(400, 404))(func)
        return func

    return decorate


def _template_format(template):
    parts = template.split('/')  # ['', 'v1', 'repositories', fmt, type, ...]
    return parts[3], parts[4]


class _RepoError(Exception):
    """An error of Nexus's repository manager: the REST resource answers 400 with the message as a JSON
    string (WebApplicationMessageException(BAD_REQUEST, "\"message\"", APPLICATION_JSON)), unlike bean
    validation errors, which are lists of {id, message}."""


def _json_string(status, message):
    return status, json.dumps(message).encode('utf-8'), {'Content-Type': 'application/json'}


def _bad(message, field='*'):
    return HttpError(400, message, code=field)


class NexusRepositoriesMixin:
    """Repositories and blob stores for NexusEmulator (see the module docstring)."""

    # --- repositories --------------------------------------------------------------------------------------
    def _url(self, name):
        return '%s/repository/%s' % (self.base_url or 'http://nexus.invalid', name)

    def _get_repo(self, name):
        repo = self.repos.get(name.lower())
        if repo is None:
            raise HttpError(404, 'Repository not found')
        return repo

    def _validate_repo(self, fmt, rtype, body, existing=None):
        name = body['name']
        if not re.match(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$', name):
            raise _bad('Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not '
                       'start with underscore or dot.', 'PARAMETER name')
        storage = body['storage']
        if storage['blobStoreName'] not in self.blobstores:
            raise _RepoError('Blob store %s does not exist' % storage['blobStoreName'])
        if existing is not None and storage['blobStoreName'] != existing['config']['storage']['blobStoreName']:
            raise _RepoError('Blob store cannot be changed')
        if rtype == 'hosted':
            policy = storage.get('writePolicy')
            if not isinstance(policy, str) or policy.lower() not in WRITE_POLICIES:
                raise _RepoError('writePolicy must be one of ALLOW, ALLOW_ONCE, DENY')
        if rtype == 'proxy':
            url = body['proxy']['remoteUrl']
            if not re.match(r'^https?://[^/\s]+', url):
                raise _RepoError('remoteUrl must be a valid http(s) URL')
        rule = body.get('routingRuleName')
        if rule and rule not in self.routing_rules:  # tests/emulators/nexus_ops.py
            raise _RepoError('Routing rule %s does not exist' % rule)
        for policy in (body.get('cleanup') or {}).get('policyNames') or []:
            if policy not in self.cleanup_policies:
                raise _RepoError('Cleanup policy %s does not exist' % policy)
        if rtype == 'group':
            members = body['group']['memberNames']
            for member in members:
                repo = self.repos.get(member.lower())
                if repo is None:
                    raise _RepoError('Repository %s does not exist' % member)
                if repo['format'] != fmt:
                    raise _RepoError('Member repository %s is of format %s, not %s' % (member, repo['format'], fmt))
                if member.lower() == name.lower():
                    raise _RepoError('A group repository cannot be a member of itself')
            writable = body['group'].get('writableMember')
            if writable and self.edition != 'PRO':
                # validateGroupDeploy: `if (!"PRO".equals(applicationVersion.getEdition()))` comes first
                raise _bad(INSUFFICIENT_LICENSE, 'writableMember')
            if writable:
                if writable not in members:
                    raise _RepoError('Writable member %s must be a member of the group' % writable)
                if self.repos[writable.lower()]['type'] != 'hosted':
                    raise _RepoError('Writable member %s must be a hosted repository' % writable)
        if fmt == 'docker':
            docker = body['docker']
            for port_field in ('httpPort', 'httpsPort'):
                port = docker.get(port_field)
                if port is None:
                    continue
                for other_name, other in self.repos.items():
                    if other['format'] != 'docker' or other_name == name.lower():
                        continue
                    odocker = other['config'].get('docker') or {}
                    if port in (odocker.get('httpPort'), odocker.get('httpsPort')):
                        raise _RepoError('Port %s is already in use by repository %s'
                                         % (port, other['config']['name']))

    def _store_repo(self, fmt, rtype, body):
        config = copy.deepcopy(body)
        name = config['name']
        auth = (config.get('httpClient') or {}).get('authentication')
        if auth is not None:
            password = auth.pop('password', None)
            auth.pop('bearerToken', None)
            if password:
                self.repo_secrets[name.lower()] = password
            else:
                self.repo_secrets.pop(name.lower(), None)
        else:
            self.repo_secrets.pop(name.lower(), None)
        self._store_signing(fmt, rtype, config)
        config['format'] = API_FORMAT.get(fmt, fmt)
        config['type'] = rtype
        config['url'] = self._url(name)
        config.setdefault('cleanup', {'policyNames': []})
        if config.get('cleanup') is None:
            config['cleanup'] = {'policyNames': []}
        if rtype == 'group':
            config.pop('cleanup', None)
        if fmt == 'pypi' and rtype == 'proxy':
            config.setdefault('pypi', {})
        if fmt == 'raw':
            config['raw'] = config.get('raw') or {'contentDisposition': 'ATTACHMENT'}
        if fmt == 'maven' and 'maven' in config:
            config['maven'].setdefault('contentDisposition', 'INLINE')
        if fmt == 'docker':
            config['docker'].setdefault('pathEnabled', True)
        for key in ('routingRule',):
            config.pop(key, None)
        if not config.get('routingRuleName'):
            config.pop('routingRuleName', None)
        self.repos[name.lower()] = {'format': fmt, 'type': rtype, 'config': config}

    @_repo_routes('create')
    def create_repository(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        body = call.body
        try:
            if body['name'].lower() in self.repos:
                raise _RepoError("Repository name '%s' is already used, names must be unique (ignoring case)"
                                 % body['name'])
            self._validate_repo(fmt, rtype, body)
        except _RepoError as exc:
            return _json_string(400, str(exc))
        self._store_repo(fmt, rtype, body)
        return 201, None

    @_repo_routes('get')
    def get_repository_settings(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        repo = self.repos.get(call.params['repositoryName'].lower())
        if repo is None or repo['format'] != fmt or repo['type'] != rtype:
            return _json_string(404, 'Repository not found')  # as the server: a JSON string
        body = copy.deepcopy(repo['config'])
        self._show_signing(fmt, rtype, body)
        self._check_full_repo(fmt, rtype, body, 'GET %s' % call.path)
        return 200, body

    def _check_full_repo(self, fmt, rtype, body, where):
        """The spec describes some per-format GETs only as AbstractApiRepository: the body must also be
        what the matching create request accepts (that is how Nexus's API models are built)."""
        op = self.spec.operation('/v1/repositories/%s/%s' % (fmt, rtype), 'post') if self.spec else None
        if op is None:
            return
        request_schema = op['requestBody']['content']['application/json']['schema']['$ref'].split('/')[-1]
        trimmed = dict((k, v) for k, v in body.items() if k not in ('format', 'type', 'url'))
        self._check_schema(trimmed, request_schema, where)

    @_repo_routes('update')
    def update_repository(self, call):
        self._require_admin(call)
        fmt, rtype = _template_format(call.template)
        name = call.params['repositoryName']
        repo = self.repos.get(name.lower())
        if repo is None:
            return 404, None  # the repository manager's update() returned false: a bare 404
        body = call.body
        try:
            if repo['format'] != fmt or repo['type'] != rtype:
                raise _RepoError('Repository %s is a %s %s repository, not %s %s'
                                 % (name, repo['format'], repo['type'], fmt, rtype))
            if body['name'] != repo['config']['name']:
                raise _RepoError('Renaming a repository is not supported')
            self._validate_repo(fmt, rtype, body, existing=repo)
        except _RepoError as exc:
            return _json_string(400, str(exc))
        self._store_repo(fmt, rtype, body)
        return 204, None

    def _summary(self, repo):
        config = repo['config']
        summary = {'name': config['name'], 'format': config['format'], 'type': repo['type'],
                   'url': config['url'], 'attributes': {}}
        if repo['type'] == 'proxy':
            summary['attributes'] = {'proxy': {'remoteUrl': config['proxy']['remoteUrl']}}
        return summary

    @route('GET', '/v1/repositories/{repositoryName}', extra_statuses=(200,))
    def get_repository(self, call):
        repo = self._get_repo(call.params['repositoryName'])
        body = self._summary(repo)
        self._check_schema(body, 'RepositoryXO', 'GET /v1/repositories/{repositoryName}')
        return 200, body

    @route('GET', '/v1/repositories')
    def list_repositories(self, call):
        return 200, [self._summary(r) for _, r in sorted(self.repos.items())]

    @route('GET', '/v1/repositorySettings')
    def list_repository_settings(self, call):
        self._require_admin(call)
        listed = []
        for _, repo in sorted(self.repos.items()):
            listed.append(copy.deepcopy(repo['config']))
            self._show_signing(repo['format'], repo['type'], listed[-1])
        return 200, listed

    @route('DELETE', '/v1/repositories/{repositoryName}')
    def delete_repository(self, call):
        self._require_admin(call)
        key = call.params['repositoryName'].lower()
        self._get_repo(key)
        del self.repos[key]
        self.repo_secrets.pop(key, None)
        self._forget_signing(key)
        for repo in self.repos.values():  # Nexus removes a deleted repository from every group
            group = repo['config'].get('group')
            if group:
                group['memberNames'] = [m for m in group['memberNames'] if m.lower() != key]
                if (group.get('writableMember') or '').lower() == key:
                    group.pop('writableMember', None)
        return 204, None

    # --- blob stores ---------------------------------------------------------------------------------------
    @route('GET', '/v1/blobstores')
    def list_blobstores(self, call):
        self._require_admin(call)
        result = []
        for name, store in sorted(self.blobstores.items()):
            item = {'name': name, 'type': store['type'], 'unavailable': False, 'blobCount': 0,
                    'totalSizeInBytes': 0, 'availableSpaceInBytes': 0}
            if store['config'].get('softQuota'):
                item['softQuota'] = store['config']['softQuota']
            result.append(item)
        return 200, result

    def _blobstore(self, name, kind):
        store = self.blobstores.get(name)
        if store is None or store['type'] != kind:
            raise HttpError(404, '%s blob store %s not found' % (kind, name))
        return store

    @staticmethod
    def _check_quota(body):
        quota = body.get('softQuota')
        if quota is not None and quota['type'] not in ('spaceRemainingQuota', 'spaceUsedQuota'):
            raise _bad('softQuota.type must be spaceRemainingQuota or spaceUsedQuota', 'PARAMETER softQuota')

    @route('POST', '/v1/blobstores/file', extra_statuses=(400,))
    def create_file_blobstore(self, call):
        self._require_admin(call)
        body = call.body
        if body['name'] in self.blobstores:
            raise _bad('A blob store with that name already exists', 'PARAMETER name')
        self._check_quota(body)
        config = {'path': body['path']}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        self.blobstores[body['name']] = {'type': 'File', 'config': config}
        return 204, None

    @route('GET', '/v1/blobstores/file/{name}')
    def get_file_blobstore(self, call):
        self._require_admin(call)
        return 200, copy.deepcopy(self._blobstore(call.params['name'], 'File')['config'])

    @route('PUT', '/v1/blobstores/file/{name}', extra_statuses=(400,))
    def update_file_blobstore(self, call):
        self._require_admin(call)
        store = self._blobstore(call.params['name'], 'File')
        body = call.body
        self._check_quota(body)
        config = {'path': body.get('path') or store['config']['path']}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        store['config'] = config
        return 204, None

    def _s3_config(self, name, body, existing=None):
        bucket_conf = body['bucketConfiguration']
        security = bucket_conf.get('security') or bucket_conf.get('bucketSecurity')
        advanced = bucket_conf.get('advancedConnection') or bucket_conf.get('advancedBucketConnection')
        config = {'name': name, 'type': 's3', 'bucketConfiguration': {'bucket': dict(bucket_conf['bucket'])}}
        if body.get('softQuota'):
            config['softQuota'] = body['softQuota']
        if security:
            security = dict(security)
            stored = self.blobstore_secrets.get(name) or {}
            kept = {}
            # secretAccessKey and sessionToken are secrets: answered as the placeholder, which keeps them
            # when sent back (S3BlobStoreResource.updateBlobStore; S3BlobStoreResourceTest)
            for field in ('secretAccessKey', 'sessionToken'):
                value = security.pop(field, None)
                if value == PLACEHOLDER:
                    if existing is None or field not in stored:
                        raise _bad('%s is required' % field, 'PARAMETER %s' % field)
                    kept[field] = stored[field]
                elif value:
                    kept[field] = value
            if kept:
                self.blobstore_secrets[name] = kept
            else:
                self.blobstore_secrets.pop(name, None)
            config['bucketConfiguration']['security'] = security
        else:
            self.blobstore_secrets.pop(name, None)
        if advanced:
            config['bucketConfiguration']['advancedConnection'] = dict(advanced)
        encryption = bucket_conf.get('encryption')
        if encryption:
            # the encryption types Nexus's API models list (S3BlobStoreApiEncryption: s3ManagedEncryption,
            # kmsManagedEncryption)
            if encryption.get('encryptionType') not in ('s3ManagedEncryption', 'kmsManagedEncryption'):
                raise _bad('Unknown encryption type %s' % encryption.get('encryptionType'), 'encryptionType')
            config['bucketConfiguration']['encryption'] = dict(encryption)
        return config

    @route('POST', '/v1/blobstores/s3', extra_statuses=(400,))
    def create_s3_blobstore(self, call):
        self._require_admin(call)
        body = call.body
        name = body['name']
        if name in self.blobstores:
            raise _bad('A blob store with that name already exists', 'PARAMETER name')
        self._check_quota(body)
        self.blobstores[name] = {'type': 'S3', 'config': self._s3_config(name, body)}
        return 201, None

    @route('GET', '/v1/blobstores/s3/{name}')
    def get_s3_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        config = copy.deepcopy(self._blobstore(name, 'S3')['config'])
        security = config['bucketConfiguration'].get('security')
        for field in (self.blobstore_secrets.get(name) or {}) if security is not None else ():
            security[field] = PLACEHOLDER
        return 200, config

    @route('PUT', '/v1/blobstores/s3/{name}', extra_statuses=(404,))
    def update_s3_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        store = self.blobstores.get(name)
        if store is None or store['type'] != 'S3':
            raise _bad('S3 blob store %s does not exist' % name)
        if call.body['name'] != name:
            raise _bad('Renaming a blob store is not supported', 'PARAMETER name')
        self._check_quota(call.body)
        store['config'] = self._s3_config(name, call.body, existing=store)
        return 204, None

    @route('DELETE', '/v1/blobstores/{name}')
    def delete_blobstore(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.blobstores:
            raise HttpError(404, 'Blob store %s not found' % name)
        users = [r['config']['name'] for r in self.repos.values()
                 if r['config']['storage']['blobStoreName'] == name]
        if users:
            raise _bad('Blob store (%s) is in use by %d repositories' % (name, len(users)))
        del self.blobstores[name]
        self.blobstore_secrets.pop(name, None)
        return 204, None
