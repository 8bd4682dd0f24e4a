# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the nexus_repository and nexus_repository_info logic of maestro.platform. Not a public API.
"""Nexus repositories (proxy, hosted, group) through /service/rest/v1/repositories.

Facts the code relies on are listed in _nexus.py's docstring (create 201, duplicate name 400, full
settings only from the per-format GET, writePolicy echoed as stored, remote password never returned,
writableMember Pro only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NAME_PATTERN, NexusOperation, _check_url, _get_or_none, _lower, _sorted_unique, _upper, server_edition)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    Info,
    ModuleFailure,
    Resource,
    require_name,
)

# format -> the repository types Nexus Community serves for it (among the formats this collection manages;
# ../shared/specs/nexus-openapi.yaml, /v1/repositories/<format>/<type>)
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
    'huggingface': ('proxy',),
    'conda': ('proxy', 'hosted', 'group'),
    'apt': ('proxy', 'hosted'),
    'yum': ('proxy', 'hosted', 'group'),
}
TYPES = ('proxy', 'hosted', 'group')
# Nexus names maven's format maven2 in its answers
API_FORMAT = {'maven': 'maven2'}
FORMAT_FROM_API = dict((v, k) for k, v in API_FORMAT.items())
# group formats whose API takes a writable member (group deployment)
GROUP_DEPLOY_FORMATS = ('pypi', 'npm', 'docker')
WRITE_POLICIES = ('allow', 'allow_once', 'deny')
PROXY_OPTIONS = ('remote_url', 'content_max_age', 'metadata_max_age', 'negative_cache', 'remote_username',
                 'remote_password', 'routing_rule')
# (format, type) -> the API block holding its PGP signing key: AptHostedRepositoryApiRequest requires aptSigning,
# the apt proxy, yum proxy and yum group requests accept aptSigning / yumSigning. The key and its passphrase
# are write-only here: never read back, compared or returned (update_password decides when they are sent).
SIGNING_BLOCKS = {('apt', 'hosted'): 'aptSigning', ('apt', 'proxy'): 'aptSigning',
                  ('yum', 'proxy'): 'yumSigning', ('yum', 'group'): 'yumSigning'}
SIGNING_OPTIONS = ('signing_keypair', 'signing_passphrase')
ARMORED_PRIVATE_KEY = '-----BEGIN PGP PRIVATE KEY BLOCK-----'
# markers in a desired view: a write-only secret will be sent although nothing readable changed
SECRET_MARKERS = ('remote_password_updated', 'signing_key_updated')


class Field:
    """One setting of a format's own block: the module's suboption, the API block and field holding it, whether
    the API spells it in upper case (shown in lower case), the repository types it applies to and its value in
    a new repository (Nexus UI defaults; None: not sent)."""

    def __init__(self, option, block, api, upper=False, types=TYPES, default=None):
        self.option, self.block, self.api, self.upper, self.types, self.default = (
            option, block, api, upper, types, default)


# format -> the fields of its module option (a dict named after the format), from the API description
FORMAT_FIELDS = {
    'docker': (
        Field('http_port', 'docker', 'httpPort'),
        Field('https_port', 'docker', 'httpsPort'),
        Field('v1_enabled', 'docker', 'v1Enabled', default=False),
        Field('force_basic_auth', 'docker', 'forceBasicAuth', default=True),
        Field('path_enabled', 'docker', 'pathEnabled', default=True),
        Field('index_type', 'dockerProxy', 'indexType', upper=True, types=('proxy',), default='registry'),
        Field('index_url', 'dockerProxy', 'indexUrl', types=('proxy',)),
    ),
    'maven': (
        Field('version_policy', 'maven', 'versionPolicy', upper=True, types=('proxy', 'hosted'), default='release'),
        Field('layout_policy', 'maven', 'layoutPolicy', upper=True, types=('proxy', 'hosted'), default='strict'),
        Field('content_disposition', 'maven', 'contentDisposition', upper=True, types=('proxy', 'hosted'),
              default='inline'),
    ),
    # AptHostedRepositoriesAttributes (distribution required, minLength 1); AptProxyRepositoriesAttributes
    # (flat required; distribution required only with enforceDistribution)
    'apt': (
        Field('distribution', 'apt', 'distribution'),
        Field('flat', 'apt', 'flat', types=('proxy',), default=False),
        Field('enforce_distribution', 'apt', 'enforceDistribution', types=('proxy',), default=False),
    ),
    # YumAttributes of yum hosted: repodataDepth 0-5 and deployPolicy STRICT|PERMISSIVE, both required
    'yum': (
        Field('repodata_depth', 'yum', 'repodataDepth', types=('hosted',), default=0),
        Field('deploy_policy', 'yum', 'deployPolicy', upper=True, types=('hosted',), default='strict'),
    ),
}


def format_fields(fmt, rtype):
    return [f for f in FORMAT_FIELDS.get(fmt, ()) if rtype in f.types]


# -- repositories ----------------------------------------------------------------------------------------
def repository_path(fmt, rtype, name=None):
    path = '/v1/repositories/%s/%s' % (fmt, rtype)
    return path + '/' + path_quote(name) if name is not None else path


def url_format(api_format):
    return FORMAT_FROM_API.get(api_format, api_format)


def _proxy_view(raw):
    proxy = raw.get('proxy') or {}
    negative = raw.get('negativeCache') or {}
    auth = (raw.get('httpClient') or {}).get('authentication') or {}
    return dict(remote_url=proxy.get('remoteUrl'), content_max_age=proxy.get('contentMaxAge'),
                metadata_max_age=proxy.get('metadataMaxAge'),
                negative_cache={'enabled': negative.get('enabled'), 'time_to_live': negative.get('timeToLive')},
                remote_username=auth.get('username') or '', routing_rule=raw.get('routingRuleName') or '')


def _format_view(fmt, rtype, raw):
    fields = format_fields(fmt, rtype)
    if not fields:
        return {}
    values = {}
    for field in fields:
        value = (raw.get(field.block) or {}).get(field.api)
        values[field.option] = _lower(value) if field.upper else value
    return {fmt: values}


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
        view.update(_proxy_view(raw))
    if rtype == 'group':
        group = raw.get('group') or {}
        view['members'] = list(group.get('memberNames') or [])
        if fmt in GROUP_DEPLOY_FORMATS:
            view['writable_member'] = group.get('writableMember') or ''
    view.update(_format_view(fmt, rtype, raw))
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
    fields = format_fields(fmt, rtype)
    if fields:
        view[fmt] = dict((f.option, f.default) for f in fields)
    return view


def _proxy_payload(body, view, remote_password):
    proxy = body.setdefault('proxy', {})
    proxy.update(remoteUrl=view['remote_url'], contentMaxAge=view['content_max_age'],
                 metadataMaxAge=view['metadata_max_age'])
    body['negativeCache'] = {'enabled': view['negative_cache']['enabled'],
                             'timeToLive': view['negative_cache']['time_to_live']}
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
    if view.get('routing_rule'):
        body['routingRuleName'] = view['routing_rule']
    else:
        body.pop('routingRuleName', None)


def _format_payload(body, view):
    """The format's own blocks: fields this module manages are set (or removed when None); other fields the
    server returned (a docker subdomain, ...) are kept."""
    fmt = view['format']
    for field in format_fields(fmt, view['type']):
        block = body.setdefault(field.block, {})
        value = view[fmt][field.option]
        if value is None:
            block.pop(field.api, None)
        else:
            block[field.api] = _upper(value) if field.upper else value


def _signing_payload(body, view, signing):
    """The signing block is built from the task alone (Nexus does not return the secrets): without a key in
    the task, whatever the server returned is sent back unchanged."""
    block = SIGNING_BLOCKS.get((view['format'], view['type']))
    if block and signing and signing.get('keypair'):
        body[block] = dict((k, v) for k, v in signing.items() if v is not None)


def repository_payload(view, raw, remote_password=None, signing=None):
    """The API body for create (raw None) or update: the current body with the managed settings replaced,
    so settings this module does not manage (routing rules, connection tuning ...) are kept."""
    rtype = view['type']
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
        _proxy_payload(body, view, remote_password)
    if rtype == 'group':
        group = {'memberNames': list(view['members'])}
        if view.get('writable_member'):
            group['writableMember'] = view['writable_member']
        body['group'] = group
    _format_payload(body, view)
    _signing_payload(body, view, signing)
    return body


def repository_summary(client, name):
    """GET /v1/repositories/{name}: name, format (URL spelling), type; None when missing."""
    data = _get_or_none(client, '/v1/repositories/' + path_quote(name))
    if data is None:
        return None
    return {'name': data.get('name'), 'format': url_format(data.get('format')), 'type': data.get('type')}


# -- checks before any request: each takes the task's parameters and raises ModuleFailure ------------------
def _check_name(p):
    name = require_name(p)
    if not NAME_PATTERN.match(name):
        raise ModuleFailure('name %r is not a valid Nexus repository name: use letters, digits, -, _ and . '
                            'and do not start with _ or .' % name)


def _check_format_and_type(p):
    fmt, rtype = p['format'], p['type']
    if fmt not in FORMATS:
        raise ModuleFailure('format must be one of %s, got %r' % (', '.join(sorted(FORMATS)), fmt))
    if rtype not in TYPES:
        raise ModuleFailure('type must be one of proxy, hosted, group, got %r' % (rtype,))
    if rtype not in FORMATS[fmt]:
        raise ModuleFailure('Nexus has no %s %s repositories: format %s supports type %s only'
                            % (fmt, rtype, fmt, ' and '.join(FORMATS[fmt])))


# options -> (the (format, type) they apply to, where that is, said to the user)
SCOPES = (
    (PROXY_OPTIONS, lambda f, t: t == 'proxy', 'proxy repositories (type=proxy)'),
    (('write_policy',), lambda f, t: t == 'hosted',
     'hosted repositories: proxy and group repositories have no write policy'),
    (('members', 'writable_member'), lambda f, t: t == 'group', 'group repositories (type=group)'),
    (('cleanup_policies',), lambda f, t: t != 'group',
     'proxy and hosted repositories: Nexus cleans up group members, not groups'),
    (('writable_member',), lambda f, t: f in GROUP_DEPLOY_FORMATS, 'pypi, npm and docker groups (group deployment)'),
    (SIGNING_OPTIONS, lambda f, t: (f, t) in SIGNING_BLOCKS,
     'apt proxy and hosted and yum proxy and group repositories (their PGP signing key)'),
)


def _types_phrase(fmt, types):
    return '%s %s repositories' % (fmt, ' and '.join(types))


def _check_scopes(p):
    fmt, rtype = p['format'], p['type']
    for options, applies, where in SCOPES:
        for option in options:
            if p.get(option) is not None and not applies(fmt, rtype):
                raise ModuleFailure('%s only applies to %s; remove it from this %s %s repository task'
                                    % (option, where, fmt, rtype))
    for owner, fields in FORMAT_FIELDS.items():
        given = p.get(owner)
        if given is None:
            continue
        types = sorted(set(t for f in fields for t in f.types), key=TYPES.index)
        if owner != fmt or rtype not in types:
            raise ModuleFailure('%s only applies to %s; remove it from this %s %s repository task'
                                % (owner, _types_phrase(owner, types), fmt, rtype))
        for field in fields:
            if given.get(field.option) is not None and rtype not in field.types:
                raise ModuleFailure('%s.%s only applies to %s' % (owner, field.option,
                                                                  _types_phrase(owner, field.types)))


def _check_write_policy(p):
    if p.get('write_policy') is not None and p['write_policy'].lower() not in WRITE_POLICIES:
        raise ModuleFailure('write_policy must be allow, allow_once or deny, got %r' % p['write_policy'])


def _check_proxy_values(p):
    _check_url(p.get('remote_url'), 'remote_url')
    for option in ('content_max_age', 'metadata_max_age'):
        if p.get(option) is not None and p[option] < -1:
            raise ModuleFailure('%s must be minutes (-1 for forever), got %s' % (option, p[option]))


def _check_member_list(p):
    members = p.get('members')
    if members == []:
        raise ModuleFailure('members must list at least one repository: Nexus refuses a group without members')
    if members is None:
        return
    for member in members:
        if not isinstance(member, str) or not NAME_PATTERN.match(member):
            raise ModuleFailure('members: %r is not a valid repository name' % (member,))
    lowered = [m.lower() for m in members]
    if len(set(lowered)) != len(lowered):
        raise ModuleFailure('members lists a repository twice (names ignore case): %s' % ', '.join(members))
    if p['name'].lower() in lowered:
        raise ModuleFailure('members: a group cannot contain itself (%s)' % p['name'])
    if p.get('writable_member') and p['writable_member'] not in members:
        raise ModuleFailure('writable_member %r must be one of members (%s)'
                            % (p['writable_member'], ', '.join(members) or 'none'))


def _check_docker(p):
    docker = p.get('docker') or {}
    for option in ('http_port', 'https_port'):
        port = docker.get(option)
        if port is not None and not 0 < port < 65536:
            raise ModuleFailure('docker.%s must be a TCP port (1-65535), got %s' % (option, port))
    _check_url(docker.get('index_url'), 'docker.index_url')
    if docker.get('index_type') == 'custom' and docker.get('index_url') is None:
        raise ModuleFailure('docker.index_url is required with docker.index_type=custom')


def _check_cleanup_policies(p):
    for policy in p.get('cleanup_policies') or []:
        if not isinstance(policy, str) or not policy.strip():
            raise ModuleFailure('cleanup_policies must be names of cleanup policies, got %r' % (policy,))


def _check_apt(p):
    apt = p.get('apt') or {}
    distribution = apt.get('distribution')
    if distribution is not None and (not distribution.strip() or re.search(r'[\s/]', distribution)):
        raise ModuleFailure('apt.distribution must be a distribution name such as bookworm or jammy (no spaces '
                            'or slashes), got %r' % distribution)
    if apt.get('enforce_distribution') and not distribution:
        raise ModuleFailure('apt.distribution is required with apt.enforce_distribution=true: it names the only '
                            'distribution the proxy serves')
    if p['type'] == 'hosted' and not p.get('signing_keypair'):
        raise ModuleFailure('signing_keypair is required for an apt hosted repository: Nexus signs its metadata '
                            'with it and needs it with every write (it never returns it). Give the armored '
                            'private key (gpg --export-secret-key --armor), from a vault.')


def _check_yum(p):
    depth = (p.get('yum') or {}).get('repodata_depth')
    if depth is not None and not 0 <= depth <= 5:
        raise ModuleFailure('yum.repodata_depth must be 0 to 5 (the directory depth where Nexus creates '
                            'repodata), got %s' % depth)


def _check_signing(p):
    keypair = p.get('signing_keypair')
    if keypair is not None and ARMORED_PRIVATE_KEY not in keypair:
        # never echo the value: it is a secret even when malformed
        raise ModuleFailure('signing_keypair must be an ASCII-armored PGP private key (the output of '
                            'gpg --export-secret-key --armor, starting with %s)' % ARMORED_PRIVATE_KEY)


PRESENT_CHECKS = (_check_scopes, _check_write_policy, _check_proxy_values, _check_member_list, _check_docker,
                  _check_cleanup_policies, _check_signing)
FORMAT_CHECKS = {'apt': _check_apt, 'yum': _check_yum}


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
        apt=dict(type='dict', options=dict(
            distribution=dict(type='str'),
            flat=dict(type='bool'),
            enforce_distribution=dict(type='bool'),
        )),
        yum=dict(type='dict', options=dict(
            repodata_depth=dict(type='int'),
            deploy_policy=dict(type='str', choices=['strict', 'permissive']),
        )),
        signing_keypair=dict(type='str', no_log=True),
        signing_passphrase=dict(type='str', no_log=True),
    )
    module_kwargs = dict(NexusOperation.module_kwargs,
                         required_by={'remote_password': 'remote_username', 'signing_passphrase': 'signing_keypair'})

    def describe(self):
        return "%s %s repository '%s'" % (self.params.get('format'), self.params.get('type'),
                                          self.params.get('name'))

    def validate(self):
        p = self.params
        _check_name(p)
        _check_format_and_type(p)
        if p['state'] == 'absent':
            return
        for check in PRESENT_CHECKS:
            check(p)
        if p['format'] in FORMAT_CHECKS:
            FORMAT_CHECKS[p['format']](p)

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
