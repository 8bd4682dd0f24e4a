# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus Repository 3 through its REST API (/service/rest): no Groovy scripts, which Nexus disables.

Facts the code relies on (Nexus 3.94's API description and server source, see tests/emulators/nexus.py):
- Create repository -> 201, duplicate name (case-insensitive) -> 400, update (full PUT) -> 204, 404 when
  missing. A repository's name, format, type and blob store cannot be changed.
- GET /v1/repositories/{name} is a summary (name, format, type, url); the full settings come from the
  per-format GET /v1/repositories/{format}/{type}/{name}, which is 404 for a repository of another
  format/type. Steady state therefore costs one request per repository.
- writePolicy is echoed as stored (ALLOW_ONCE or allow_once): compared case-insensitively.
- The remote password of a proxy is never returned: it cannot be compared, hence update_password.
- S3 blob stores: `security` and `advancedConnection`; the secret key is returned as a placeholder, and
  sending the placeholder back keeps the stored secret.
- Blob store soft quotas: `softQuota.limit` is BYTES, stored as sent (BlobStoreApiModel and
  S3BlobStoreApiModelMapper put it into the quota's `limit` attribute, which the quota checks compare with
  bytes); the spec's "The limit in MB" describes only the UI, which converts MB (10^6 bytes) itself.
- `writableMember` (group deployment) is Nexus Pro only: AbstractGroupRepositoriesApiResource refuses it
  unless ApplicationVersion.getEdition() is "PRO" ("Deploying to groups is a PRO-licensed feature"). Every
  answer names the edition in its Server header, `Nexus/<version> (<edition>)` (EnvironmentFilter).
- Users: POST -> 200, PUT -> 204, change-password is a PUT with a text/plain body; GET ?userId= is a
  prefix search. First start: admin.password holds a random password until it is changed.
- Errors are lists of {"id", "message"}; _http.server_message reads them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import (
    ApiError, HttpClient, basic_auth, path_quote, signs_in, split_credentials)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    Info,
    ModuleFailure,
    Resource,
    require_name,
)

API = '/service/rest'
PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'

# format -> the repository types Nexus serves for it (among the formats this collection manages)
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
TYPES = ('proxy', 'hosted', 'group')
# Nexus names maven's format maven2 in its answers
API_FORMAT = {'maven': 'maven2'}
FORMAT_FROM_API = dict((v, k) for k, v in API_FORMAT.items())
# group formats whose API takes a writable member (group deployment)
GROUP_DEPLOY_FORMATS = ('pypi', 'npm', 'docker')
# formats whose group request carries no cleanup policies or format attributes
WRITE_POLICIES = ('allow', 'allow_once', 'deny')
NAME_PATTERN = re.compile(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$')
URL_PATTERN = re.compile(r'^https?://[^/\s:?#]+(:\d+)?([/?#]\S*)?$')


class NexusOperation:
    """Connection options and client for every Nexus module (mixed into Resource / Info)."""

    service = 'nexus'
    connection_options = dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['NEXUS_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['NEXUS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['NEXUS_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['NEXUS_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['NEXUS_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['NEXUS_TIMEOUT'])),
    )
    module_kwargs = dict(required_together=[('username', 'password')])

    @classmethod
    def make_client(cls, params):
        url = params.get('url')
        if not isinstance(url, str) or not URL_PATTERN.match(split_credentials(url.strip())[0]):
            raise ModuleFailure('url must be the http:// or https:// base URL of Nexus, for example '
                                'https://nexus.example.com, got %r' % (url,))
        if params.get('timeout') is not None and params['timeout'] <= 0:
            raise ModuleFailure('timeout must be a positive number of seconds, got %s' % params['timeout'])
        base = url.strip().rstrip('/')
        if base.endswith(API):  # accept the REST root too
            base = base[:-len(API)]
        try:
            return HttpClient(base + API, username=params.get('username'), password=params.get('password'),
                              validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
                              timeout=params.get('timeout') or 30, url_option='url')
        except ApiError as exc:
            raise ModuleFailure(exc.message)


def _get_or_none(client, path, **kwargs):
    try:
        return client.get(path, **kwargs)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


SERVER_HEADER = re.compile(r'^Nexus/\S+ \(([A-Za-z_]+)\)')


def server_edition(client):
    """The edition Nexus names in its Server header (`Nexus/3.94.0-12 (COMMUNITY)`; OSS, COMMUNITY or PRO),
    upper case; None when a proxy in front of Nexus replaced the header."""
    found = SERVER_HEADER.match(client.request('GET', '/v1/status').header('Server') or '')
    return found.group(1).upper() if found else None


def _check_url(value, field):
    if value is not None and not URL_PATTERN.match(value):
        raise ModuleFailure('%s must be an http:// or https:// URL with a host name, got %r' % (field, value))


def require_for_create(operation, fields):
    """Fail naming the options a create needs that the task left unset."""
    missing = [f for f in fields if operation.params.get(f) is None]
    if missing:
        raise ModuleFailure('%s required to create %s' % (
            ' and '.join(missing) + (' is' if len(missing) == 1 else ' are'), operation.describe()))


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _sorted_unique(values):
    return sorted(set(values or []))


# -- repositories ----------------------------------------------------------------------------------------
def repository_path(fmt, rtype, name=None):
    path = '/v1/repositories/%s/%s' % (fmt, rtype)
    return path + '/' + path_quote(name) if name is not None else path


def url_format(api_format):
    return FORMAT_FROM_API.get(api_format, api_format)


def repository_view(raw):
    """A repository's settings as the module options name them (snake case, lower-case enums). An absent
    remote user or writable member is '' (not None, which the engine reads as "not managed")."""
    fmt, rtype = url_format(raw.get('format')), raw.get('type')
    storage = raw.get('storage') or {}
    view = {
        'name': raw.get('name'),
        'format': fmt,
        'type': rtype,
        'url': raw.get('url'),
        'online': raw.get('online'),
        'blob_store': storage.get('blobStoreName'),
        'strict_content_type_validation': storage.get('strictContentTypeValidation'),
    }
    if rtype == 'hosted':
        view['write_policy'] = _lower(storage.get('writePolicy'))
    if rtype != 'group':
        view['cleanup_policies'] = _sorted_unique((raw.get('cleanup') or {}).get('policyNames'))
    if rtype == 'proxy':
        proxy = raw.get('proxy') or {}
        negative = raw.get('negativeCache') or {}
        auth = (raw.get('httpClient') or {}).get('authentication') or {}
        view.update(remote_url=proxy.get('remoteUrl'), content_max_age=proxy.get('contentMaxAge'),
                    metadata_max_age=proxy.get('metadataMaxAge'),
                    negative_cache={'enabled': negative.get('enabled'), 'time_to_live': negative.get('timeToLive')},
                    remote_username=auth.get('username') or '', routing_rule=raw.get('routingRuleName') or '')
    if rtype == 'group':
        group = raw.get('group') or {}
        view['members'] = list(group.get('memberNames') or [])
        if fmt in GROUP_DEPLOY_FORMATS:
            view['writable_member'] = group.get('writableMember') or ''
    if fmt == 'docker':
        docker = raw.get('docker') or {}
        view['docker'] = {'http_port': docker.get('httpPort'), 'https_port': docker.get('httpsPort'),
                          'v1_enabled': docker.get('v1Enabled'), 'force_basic_auth': docker.get('forceBasicAuth'),
                          'path_enabled': docker.get('pathEnabled')}
        if rtype == 'proxy':
            docker_proxy = raw.get('dockerProxy') or {}
            view['docker'].update(index_type=_lower(docker_proxy.get('indexType')),
                                  index_url=docker_proxy.get('indexUrl'))
    if fmt == 'maven' and rtype != 'group':
        maven = raw.get('maven') or {}
        view['maven'] = {'version_policy': _lower(maven.get('versionPolicy')),
                         'layout_policy': _lower(maven.get('layoutPolicy')),
                         'content_disposition': _lower(maven.get('contentDisposition'))}
    return view


def repository_defaults(fmt, rtype, name):
    """The settings of a new repository before the task's options are applied (Nexus UI defaults)."""
    view = {'name': name, 'format': fmt, 'type': rtype, 'url': None, 'online': True, 'blob_store': 'default',
            'strict_content_type_validation': True}
    if rtype == 'hosted':
        view['write_policy'] = None  # required to create: no silent default for who may overwrite what
    if rtype != 'group':
        view['cleanup_policies'] = []
    if rtype == 'proxy':
        view.update(remote_url=None, content_max_age=1440, metadata_max_age=1440,
                    negative_cache={'enabled': True, 'time_to_live': 1440}, remote_username='', routing_rule='')
    if rtype == 'group':
        view['members'] = []
        if fmt in GROUP_DEPLOY_FORMATS:
            view['writable_member'] = ''
    if fmt == 'docker':
        view['docker'] = {'http_port': None, 'https_port': None, 'v1_enabled': False, 'force_basic_auth': True,
                          'path_enabled': True}
        if rtype == 'proxy':
            view['docker'].update(index_type='registry', index_url=None)
    if fmt == 'maven' and rtype != 'group':
        view['maven'] = {'version_policy': 'release', 'layout_policy': 'strict', 'content_disposition': 'inline'}
    return view


def repository_payload(view, raw, remote_password=None):
    """The API body for create (raw None) or update: the current body with the managed settings replaced,
    so settings this module does not manage (routing rules, connection tuning ...) are kept."""
    fmt, rtype = view['format'], view['type']
    body = copy.deepcopy(raw) if raw else {}
    for key in ('format', 'type', 'url'):
        body.pop(key, None)
    body['name'] = view['name']
    body['online'] = view['online']
    storage = body.setdefault('storage', {})
    storage['blobStoreName'] = view['blob_store']
    storage['strictContentTypeValidation'] = view['strict_content_type_validation']
    if rtype == 'hosted':
        storage['writePolicy'] = _upper(view['write_policy'])
    if rtype != 'group':
        body['cleanup'] = {'policyNames': list(view['cleanup_policies'])}
    if rtype == 'proxy':
        proxy = body.setdefault('proxy', {})
        proxy.update(remoteUrl=view['remote_url'], contentMaxAge=view['content_max_age'],
                     metadataMaxAge=view['metadata_max_age'])
        body['negativeCache'] = {'enabled': view['negative_cache']['enabled'],
                                 'timeToLive': view['negative_cache']['time_to_live']}
        if view.get('routing_rule'):
            body['routingRuleName'] = view['routing_rule']
        else:
            body.pop('routingRuleName', None)
        http_client = body.setdefault('httpClient', {'blocked': False, 'autoBlock': True})
        if view['remote_username']:
            auth = dict(http_client.get('authentication') or {})
            auth.update(type='username', username=view['remote_username'])
            auth.pop('password', None)
            if remote_password is not None:
                auth['password'] = remote_password
            http_client['authentication'] = auth
        else:
            http_client.pop('authentication', None)
    if rtype == 'group':
        group = {'memberNames': list(view['members'])}
        if view.get('writable_member'):
            group['writableMember'] = view['writable_member']
        body['group'] = group
    if fmt == 'docker':
        docker = view['docker']
        body['docker'] = dict((api, docker[opt]) for opt, api in (
            ('http_port', 'httpPort'), ('https_port', 'httpsPort'), ('v1_enabled', 'v1Enabled'),
            ('force_basic_auth', 'forceBasicAuth'), ('path_enabled', 'pathEnabled')) if docker.get(opt) is not None)
        if rtype == 'proxy':
            docker_proxy = body.setdefault('dockerProxy', {})
            docker_proxy['indexType'] = _upper(docker['index_type'])
            if docker.get('index_url'):
                docker_proxy['indexUrl'] = docker['index_url']
            else:
                docker_proxy.pop('indexUrl', None)
    if fmt == 'maven' and rtype != 'group':
        maven = view['maven']
        body['maven'] = {'versionPolicy': _upper(maven['version_policy']),
                         'layoutPolicy': _upper(maven['layout_policy']),
                         'contentDisposition': _upper(maven['content_disposition'])}
    return body


def repository_summary(client, name):
    """GET /v1/repositories/{name}: name, format (URL spelling), type; None when missing."""
    data = _get_or_none(client, '/v1/repositories/' + path_quote(name))
    if data is None:
        return None
    return {'name': data.get('name'), 'format': url_format(data.get('format')), 'type': data.get('type')}


PROXY_OPTIONS = ('remote_url', 'content_max_age', 'metadata_max_age', 'negative_cache', 'remote_username',
                 'remote_password', 'routing_rule')


class Repository(NexusOperation, Resource):
    result_key = 'repository'
    kind = 'Nexus repository'
    module_options = dict(
        name=dict(type='str', required=True),
        format=dict(type='str', required=True, choices=list(FORMATS)),
        type=dict(type='str', required=True, choices=list(TYPES)),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        online=dict(type='bool'),
        blob_store=dict(type='str'),
        strict_content_type_validation=dict(type='bool'),
        write_policy=dict(type='str'),
        cleanup_policies=dict(type='list', elements='str'),
        remote_url=dict(type='str'),
        routing_rule=dict(type='str'),
        content_max_age=dict(type='int'),
        metadata_max_age=dict(type='int'),
        negative_cache=dict(type='dict', options=dict(
            enabled=dict(type='bool'),
            time_to_live=dict(type='int'),
        )),
        remote_username=dict(type='str'),
        remote_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        members=dict(type='list', elements='str'),
        writable_member=dict(type='str'),
        docker=dict(type='dict', options=dict(
            http_port=dict(type='int'),
            https_port=dict(type='int'),
            v1_enabled=dict(type='bool'),
            force_basic_auth=dict(type='bool'),
            path_enabled=dict(type='bool'),
            index_type=dict(type='str', choices=['hub', 'registry', 'custom']),
            index_url=dict(type='str'),
        )),
        maven=dict(type='dict', options=dict(
            version_policy=dict(type='str', choices=['release', 'snapshot', 'mixed']),
            layout_policy=dict(type='str', choices=['strict', 'permissive']),
            content_disposition=dict(type='str', choices=['inline', 'attachment']),
        )),
    )
    module_kwargs = dict(NexusOperation.module_kwargs, required_by={'remote_password': 'remote_username'})

    def describe(self):
        return "%s %s repository '%s'" % (self.params.get('format'), self.params.get('type'),
                                          self.params.get('name'))

    def validate(self):
        p = self.params
        name = require_name(p)
        if not NAME_PATTERN.match(name):
            raise ModuleFailure('name %r is not a valid Nexus repository name: use letters, digits, -, _ and . '
                                'and do not start with _ or .' % name)
        fmt, rtype = p['format'], p['type']
        if fmt not in FORMATS:
            raise ModuleFailure('format must be one of %s, got %r' % (', '.join(sorted(FORMATS)), fmt))
        if rtype not in TYPES:
            raise ModuleFailure('type must be one of proxy, hosted, group, got %r' % (rtype,))
        if rtype not in FORMATS[fmt]:
            raise ModuleFailure('Nexus has no %s %s repositories: format %s supports type %s only'
                                % (fmt, rtype, fmt, ' and '.join(FORMATS[fmt])))
        if p['state'] == 'absent':
            return

        def only(options, what):
            for option in options:
                if p.get(option) is not None:
                    raise ModuleFailure('%s only applies to %s; remove it from this %s %s repository task'
                                        % (option, what, fmt, rtype))

        if rtype != 'proxy':
            only(PROXY_OPTIONS, 'proxy repositories (type=proxy)')
        if rtype != 'hosted':
            only(['write_policy'], 'hosted repositories: proxy and group repositories have no write policy')
        if rtype != 'group':
            only(['members', 'writable_member'], 'group repositories (type=group)')
        else:
            only(['cleanup_policies'], 'proxy and hosted repositories: Nexus cleans up group members, not groups')
        if fmt != 'docker':
            only(['docker'], 'docker repositories (format=docker)')
        if fmt != 'maven' or rtype == 'group':
            only(['maven'], 'maven proxy and hosted repositories')
        if rtype == 'group' and fmt not in GROUP_DEPLOY_FORMATS:
            only(['writable_member'], 'pypi, npm and docker groups (group deployment)')
        if p.get('write_policy') is not None:
            if p['write_policy'].lower() not in WRITE_POLICIES:
                raise ModuleFailure('write_policy must be allow, allow_once or deny, got %r' % p['write_policy'])
        _check_url(p.get('remote_url'), 'remote_url')
        for option in ('content_max_age', 'metadata_max_age'):
            if p.get(option) is not None and p[option] < -1:
                raise ModuleFailure('%s must be minutes (-1 for forever), got %s' % (option, p[option]))
        members = p.get('members')
        if members == []:
            raise ModuleFailure('members must list at least one repository: Nexus refuses a group without members')
        if members is not None:
            for member in members:
                if not isinstance(member, str) or not NAME_PATTERN.match(member):
                    raise ModuleFailure('members: %r is not a valid repository name' % (member,))
            lowered = [m.lower() for m in members]
            if len(set(lowered)) != len(lowered):
                raise ModuleFailure('members lists a repository twice: %s' % ', '.join(members))
            if name.lower() in lowered:
                raise ModuleFailure('members: a group cannot contain itself (%s)' % name)
            if p.get('writable_member') and p['writable_member'] not in members:
                raise ModuleFailure('writable_member %r must be one of members (%s)'
                                    % (p['writable_member'], ', '.join(members) or 'none'))
        docker = p.get('docker') or {}
        for option in ('http_port', 'https_port'):
            port = docker.get(option)
            if port is not None and not 0 < port < 65536:
                raise ModuleFailure('docker.%s must be a TCP port (1-65535), got %s' % (option, port))
        if rtype != 'proxy':
            for option in ('index_type', 'index_url'):
                if docker.get(option) is not None:
                    raise ModuleFailure('docker.%s only applies to docker proxy repositories' % option)
        _check_url(docker.get('index_url'), 'docker.index_url')
        if docker.get('index_type') == 'custom' and docker.get('index_url') is None:
            raise ModuleFailure('docker.index_url is required with docker.index_type=custom')
        for policy in p.get('cleanup_policies') or []:
            if not isinstance(policy, str) or not policy.strip():
                raise ModuleFailure('cleanup_policies must be names of cleanup policies, got %r' % (policy,))

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
        elif p.get('blob_store') is not None and p['blob_store'] != current['blob_store']:
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

    def _refuse_if_taken(self):
        existing = repository_summary(self.client, self.params['name'])
        same_kind = existing is not None and (existing['format'], existing['type']) == (
            self.params['format'], self.params['type'])
        if existing is not None and not same_kind:
            raise ModuleFailure(
                "repository '%s' already exists as a %s %s repository: Nexus cannot change a repository's "
                "format or type. Delete it first, or choose another name."
                % (existing['name'], existing['format'], existing['type']))

    def _summary(self, name):
        if name not in self._summaries:
            self._summaries[name] = repository_summary(self.client, name)
        return self._summaries[name]

    def _check_members(self, current):
        p = self.params
        known = set(m.lower() for m in (current or {}).get('members') or [])
        for member in p.get('members') or []:
            if member.lower() in known:
                continue
            found = self._summary(member)
            if found is None:
                if self.check_mode:
                    # A playbook creates members before their group: in check mode they were not created.
                    self.warn("members: repository '%s' does not exist yet; in check mode it is assumed to be "
                              "created by an earlier task" % member)
                    continue
                raise ModuleFailure("members: repository '%s' does not exist; create it before %s"
                                    % (member, self.describe()))
            if found['format'] != p['format']:
                raise ModuleFailure("members: '%s' is a %s repository; a %s group can only contain %s repositories"
                                    % (member, found['format'], p['format'], p['format']))
        writable = p.get('writable_member')
        if writable and writable != (current or {}).get('writable_member'):
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
                       'content_max_age', 'metadata_max_age', 'members'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('write_policy') is not None:
            view['write_policy'] = p['write_policy'].lower()
        if p.get('cleanup_policies') is not None:
            view['cleanup_policies'] = _sorted_unique(p['cleanup_policies'])
        if p.get('writable_member') is not None:
            view['writable_member'] = p['writable_member']
        if p.get('remote_username') is not None:
            view['remote_username'] = p['remote_username']
        for nested in ('negative_cache', 'docker', 'maven'):
            if p.get(nested):
                view[nested].update((k, v) for k, v in p[nested].items() if v is not None)
        if p['type'] == 'proxy' and p.get('remote_password') and current and p['update_password'] == 'always':
            # The stored password cannot be read back: with update_password=always it is always sent.
            view['remote_password_updated'] = True
        return view

    def _body(self, desired, raw):
        desired = dict((k, v) for k, v in desired.items() if k != 'remote_password_updated')
        return repository_payload(desired, raw, self.params.get('remote_password'))

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
        return dict((k, v) for k, v in obj.items() if k != 'remote_password_updated')


class RepositoryInfo(NexusOperation, Info):
    module_options = dict(
        name=dict(type='str'),
        format=dict(type='str', choices=list(FORMATS)),
        type=dict(type='str', choices=list(TYPES)),
    )

    def run(self):
        p = self.params
        if p.get('name') is not None:
            name = require_name(p)
            summary = repository_summary(self.client, name)
            raws = []
            if summary is not None:
                raw = _get_or_none(self.client, repository_path(summary['format'], summary['type'], name))
                raws = [raw] if raw is not None else []
        else:
            raws = self.client.get('/v1/repositorySettings') or []
        repositories = [repository_view(raw) for raw in raws]
        if p.get('format'):
            repositories = [r for r in repositories if r['format'] == p['format']]
        if p.get('type'):
            repositories = [r for r in repositories if r['type'] == p['type']]
        return {'changed': False, 'repositories': repositories}


# -- users and roles -------------------------------------------------------------------------------------
USER_STATUSES = ('active', 'locked', 'disabled', 'changepassword')


def user_view(raw):
    return {'user_id': raw.get('userId'), 'first_name': raw.get('firstName'), 'last_name': raw.get('lastName'),
            'email': raw.get('emailAddress'), 'status': raw.get('status'), 'source': raw.get('source'),
            'roles': _sorted_unique(raw.get('roles')), 'external_roles': _sorted_unique(raw.get('externalRoles')),
            'read_only': raw.get('readOnly')}


def get_user(client, user_id):
    # ?userId= is a prefix search: keep the exact match of the default (local) user source.
    for raw in client.get('/v1/security/users', query={'userId': user_id, 'source': 'default'}) or []:
        if raw.get('userId') == user_id:
            return raw
    return None


class User(NexusOperation, Resource):
    result_key = 'user'
    kind = 'Nexus user'
    module_options = dict(
        user_id=dict(type='str', required=True, aliases=['name']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        first_name=dict(type='str'),
        last_name=dict(type='str'),
        email=dict(type='str'),
        user_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
        status=dict(type='str', choices=list(USER_STATUSES)),
        roles=dict(type='list', elements='str'),
    )

    def describe(self):
        return "Nexus user '%s'" % self.params.get('user_id')

    def validate(self):
        require_name(self.params, 'user_id')
        email = self.params.get('email')
        if email is not None and not re.match(r'^[^@\s]+@[^@\s]+$', email):
            raise ModuleFailure('email must be an e-mail address, got %r' % email)
        for field in ('first_name', 'last_name'):
            if self.params.get(field) is not None and not self.params[field].strip():
                raise ModuleFailure('%s must not be empty (Nexus requires it)' % field)
        if self.params.get('user_password') == '':
            raise ModuleFailure('user_password must not be empty')

    def read(self):
        raw = get_user(self.client, self.params['user_id'])
        self.raw = raw
        return user_view(raw) if raw is not None else None

    def validate_against(self, current):
        p = self.params
        if current is None:
            missing = [f for f in ('first_name', 'last_name', 'email', 'user_password') if not p.get(f)]
            if missing:
                verb = ' is' if len(missing) == 1 else ' are'
                raise ModuleFailure('%s required to create %s' % (', '.join(missing) + verb, self.describe()))

    def _password_works(self):
        """Whether user_password already authenticates (401 means it does not; 403 is a valid login)."""
        return signs_in(self.client, '/v1/security/users', self.params['user_id'], self.params['user_password'],
                        query={'userId': self.params['user_id']})

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'user_id': p['user_id'], 'first_name': None, 'last_name': None, 'email': None, 'status': 'active',
            'source': 'default', 'roles': [], 'external_roles': [], 'read_only': False}
        for option in ('first_name', 'last_name', 'email', 'status'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('roles') is not None:
            view['roles'] = _sorted_unique(p['roles'])
        self.set_password = False
        if current and p.get('user_password') and p['update_password'] == 'always':
            if current['status'] != 'active' or not self._password_works():
                view['password_updated'] = True
                self.set_password = True
        return view

    def _body(self, view):
        return {'userId': view['user_id'], 'firstName': view['first_name'], 'lastName': view['last_name'],
                'emailAddress': view['email'], 'status': view['status'], 'roles': list(view['roles'])}

    def create(self, desired):
        body = self._body(desired)
        body['password'] = self.params['user_password']
        self.client.post('/v1/security/users', body)

    def update(self, current, desired):
        path = '/v1/security/users/' + path_quote(current['user_id'])
        plain = dict((k, v) for k, v in desired.items() if k != 'password_updated')
        if plain != current:
            body = self._body(desired)
            body.update(source=current['source'], readOnly=bool(current.get('read_only')),
                        externalRoles=list(current.get('external_roles') or []))
            self.client.put(path, body)
        if self.set_password:
            self.client.request('PUT', path + '/change-password', data=self.params['user_password'],
                                content_type='text/plain')

    def delete(self, current):
        self.client.delete('/v1/security/users/' + path_quote(current['user_id']))

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'password_updated')


def role_view(raw):
    return {'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description') or '',
            'source': raw.get('source'), 'read_only': raw.get('readOnly'),
            'privileges': _sorted_unique(raw.get('privileges')), 'roles': _sorted_unique(raw.get('roles'))}


class Role(NexusOperation, Resource):
    result_key = 'role'
    kind = 'Nexus role'
    module_options = dict(
        id=dict(type='str', required=True),
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        privileges=dict(type='list', elements='str'),
        roles=dict(type='list', elements='str'),
    )

    def describe(self):
        return "Nexus role '%s'" % self.params.get('id')

    def validate(self):
        role_id = require_name(self.params, 'id')
        if role_id in (self.params.get('roles') or []):
            raise ModuleFailure('roles: role %s cannot contain itself' % role_id)

    def read(self):
        raw = _get_or_none(self.client, '/v1/security/roles/' + path_quote(self.params['id']))
        return role_view(raw) if raw is not None else None

    def validate_against(self, current):
        if current and current['read_only'] and differs_role(self.desired(current), current):
            raise ModuleFailure('%s is a built-in read-only role and cannot be changed; create your own role that '
                                'contains it' % self.describe())

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current) if current else {
            'id': p['id'], 'name': p['id'], 'description': '', 'source': 'default', 'read_only': False,
            'privileges': [], 'roles': []}
        for option in ('name', 'description'):
            if p.get(option) is not None:
                view[option] = p[option]
        for option in ('privileges', 'roles'):
            if p.get(option) is not None:
                view[option] = _sorted_unique(p[option])
        return view

    def _body(self, view):
        return {'id': view['id'], 'name': view['name'], 'description': view['description'],
                'privileges': list(view['privileges']), 'roles': list(view['roles'])}

    def create(self, desired):
        self.client.post('/v1/security/roles', self._body(desired))

    def update(self, current, desired):
        self.client.put('/v1/security/roles/' + path_quote(current['id']), self._body(desired))

    def delete(self, current):
        self.client.delete('/v1/security/roles/' + path_quote(current['id']))


def differs_role(desired, current):
    return any(desired[k] != current[k] for k in ('name', 'description', 'privileges', 'roles'))


# -- security settings -----------------------------------------------------------------------------------
class Security(NexusOperation, Resource):
    result_key = 'security'
    kind = 'Nexus security settings'
    module_options = dict(
        realms=dict(type='list', elements='str'),
        anonymous_access=dict(type='bool'),
        anonymous_user_id=dict(type='str'),
        anonymous_realm=dict(type='str'),
    )

    def describe(self):
        return 'the Nexus security settings'

    def validate(self):
        realms = self.params.get('realms')
        if realms is not None:
            if not realms:
                raise ModuleFailure('realms must list at least one realm, in the order Nexus should try them, '
                                    'for example [NexusAuthenticatingRealm, DockerToken]')
            if len(set(realms)) != len(realms):
                raise ModuleFailure('realms lists a realm twice: %s' % ', '.join(realms))
            if 'NexusAuthenticatingRealm' not in realms:
                self.warn('realms does not include NexusAuthenticatingRealm: local users (admin included) will no '
                          'longer be able to sign in')

    def read(self):
        realms = self.client.get('/v1/security/realms/active') or []
        anonymous = self.client.get('/v1/security/anonymous') or {}
        return {'realms': list(realms), 'anonymous_access': bool(anonymous.get('enabled')),
                'anonymous_user_id': anonymous.get('userId'), 'anonymous_realm': anonymous.get('realmName')}

    def validate_against(self, current):
        realms = self.params.get('realms')
        if realms is not None and realms != current['realms']:
            available = [r.get('id') for r in self.client.get('/v1/security/realms/available') or []]
            unknown = [r for r in realms if r not in available]
            if unknown:
                raise ModuleFailure('realms: %s not available on this Nexus; available realms are %s'
                                    % (', '.join(unknown), ', '.join(available)))

    def desired(self, current):
        view = copy.deepcopy(current)
        for option in ('realms', 'anonymous_access', 'anonymous_user_id', 'anonymous_realm'):
            if self.params.get(option) is not None:
                view[option] = self.params[option]
        return view

    def update(self, current, desired):
        if desired['realms'] != current['realms']:
            self.client.put('/v1/security/realms/active', list(desired['realms']))
        anonymous = ('anonymous_access', 'anonymous_user_id', 'anonymous_realm')
        if any(desired[k] != current[k] for k in anonymous):
            self.client.put('/v1/security/anonymous', {'enabled': desired['anonymous_access'],
                                                       'userId': desired['anonymous_user_id'],
                                                       'realmName': desired['anonymous_realm']})


# -- first-start bootstrap -------------------------------------------------------------------------------
class AdminPassword(NexusOperation, Resource):
    """Make the connection credentials work: the first start's generated password -> the desired one."""

    result_key = 'admin'
    kind = 'Nexus admin password'
    module_options = dict(
        initial_password=dict(type='str', no_log=True),
        initial_password_file=dict(type='path'),
        accept_eula=dict(type='bool', default=False),
    )
    module_kwargs = dict(required_together=[('username', 'password')],
                         mutually_exclusive=[('initial_password', 'initial_password_file')])

    def describe(self):
        return "the password of Nexus user '%s'" % self.params.get('username')

    def validate(self):
        p = self.params
        if not p.get('username') or not p.get('password'):
            raise ModuleFailure('username and password are required: they are the credentials this task makes work '
                                '(the desired admin password)')
        self.path = p.get('initial_password_file')

    def _works(self, password):
        return signs_in(self.client, '/v1/security/users', self.params['username'], password,
                        query={'userId': self.params['username']})

    def _initial_password(self):
        p = self.params
        if p.get('initial_password'):
            return p['initial_password'], 'initial_password'
        if self.path:
            try:
                with open(self.path) as handle:
                    return handle.read().strip(), self.path
            except (IOError, OSError):
                return None, self.path
        return None, None

    def read(self):
        self.desired_works = self._works(self.params['password'])
        state = {'username': self.params['username'], 'password_works': self.desired_works}
        if self.params['accept_eula']:
            auth = None
            if not self.desired_works:
                initial, source = self._initial_password()
                if initial and self._works(initial):
                    auth = initial
            if self.desired_works or auth:
                headers = {'Authorization': basic_auth(self.params['username'], auth)} if auth else None
                self.eula = self.client.request('GET', '/v1/system/eula', headers=headers).json or {}
                state['eula_accepted'] = bool(self.eula.get('accepted'))
        return state

    def validate_against(self, current):
        if self.desired_works:
            return
        initial, source = self._initial_password()
        if initial is None:
            where = ('the file %s (Nexus deletes it once the admin password was changed)' % source if source
                     else 'initial_password or initial_password_file')
            raise ModuleFailure("the password given for '%s' does not work and no initial password was found in %s. "
                                "Give the current password in initial_password." % (self.params['username'], where))
        if not self._works(initial):
            raise ModuleFailure("neither the desired password nor the initial password from %s works for '%s'"
                                % (source, self.params['username']))
        self.initial = initial

    def desired(self, current):
        view = dict(current, password_works=True)
        if self.params['accept_eula']:
            view['eula_accepted'] = True
        return view

    def update(self, current, desired):
        username = self.params['username']
        if not current['password_works']:
            self.client.request('PUT', '/v1/security/users/%s/change-password' % path_quote(username),
                                data=self.params['password'], content_type='text/plain',
                                headers={'Authorization': basic_auth(username, self.initial)})
        if desired.get('eula_accepted') and not current.get('eula_accepted'):
            self.client.post('/v1/system/eula', {'accepted': True, 'disclaimer': self.eula.get('disclaimer', '')})
