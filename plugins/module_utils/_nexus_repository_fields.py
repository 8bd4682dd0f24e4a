# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the nexus_repository and nexus_repository_info logic of maestro.platform. Not a public API.
"""Nexus repositories: the formats and types Nexus serves, each format's own fields, and the translation
between a repository's API form and this collection's view of it (views, payloads, defaults). Facts the code
relies on: _nexus.py's docstring."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import _lower, _sorted_unique, _upper


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
# (format, type) -> the API block holding its PGP signing key: AptHostedRepositoryApiRequest requires aptSigning,
# the apt proxy, yum proxy and yum group requests accept aptSigning / yumSigning. The key and its passphrase
# are write-only here: never read back, compared or returned (update_password decides when they are sent).
SIGNING_BLOCKS = {('apt', 'hosted'): 'aptSigning', ('apt', 'proxy'): 'aptSigning',
                  ('yum', 'proxy'): 'yumSigning', ('yum', 'group'): 'yumSigning'}
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
