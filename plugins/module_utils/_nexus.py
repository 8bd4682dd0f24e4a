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

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._http import (  # noqa: F401  (_get_or_none: shared)
    get_or_none as _get_or_none, split_credentials)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    http_client,
    ModuleFailure,
    require_name,
)

API = '/service/rest'
PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'

NAME_PATTERN = re.compile(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$')
URL_PATTERN = re.compile(r'^https?://[^/\s:?#]+(:\d+)?([/?#]\S*)?$')


class NexusOperation:
    """Connection options and client for every Nexus module (mixed into Resource / Info)."""

    service = 'nexus'
    connection_option_code = {'url': dict(fallback=(env_fallback, ['NEXUS_URL'])),
                              'username': dict(fallback=(env_fallback, ['NEXUS_USERNAME'])),
                              'password': dict(no_log=True, fallback=(env_fallback, ['NEXUS_PASSWORD'])),
                              'validate_certs': dict(fallback=(env_fallback, ['NEXUS_VALIDATE_CERTS'])),
                              'ca_path': dict(fallback=(env_fallback, ['NEXUS_CA_PATH'])),
                              'timeout': dict(fallback=(env_fallback, ['NEXUS_TIMEOUT']))}
    connection_options = dict(  # generated from plugins/doc_fragments/nexus.py DOCUMENTATION, do not edit
        url=dict(type='str', required=True, fallback=(env_fallback, ['NEXUS_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['NEXUS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['NEXUS_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['NEXUS_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['NEXUS_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['NEXUS_TIMEOUT'])),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('username', 'password')])

    @classmethod
    def make_client(cls, params):
        url = params.get('url')
        if not isinstance(url, str) or not URL_PATTERN.match(split_credentials(url.strip())[0]):
            raise ModuleFailure('url must be the http:// or https:// base URL of Nexus, for example '
                                'https://nexus.example.com, got %r' % (url,))
        base = url.strip().rstrip('/')
        if base.endswith(API):  # accept the REST root too
            base = base[:-len(API)]
        return http_client(params, base + API)


SERVER_HEADER = re.compile(r'^Nexus/\S+ \(([A-Za-z_]+)\)')


def server_edition(client):
    """The edition Nexus names in its Server header (`Nexus/3.94.0-12 (COMMUNITY)`; OSS, COMMUNITY or PRO),
    upper case; None when a proxy in front of Nexus replaced the header."""
    found = SERVER_HEADER.match(client.request('GET', '/v1/status').header('Server') or '')
    return found.group(1).upper() if found else None


def _check_url(value, field):
    if value is not None and not URL_PATTERN.match(value):
        raise ModuleFailure('%s must be an http:// or https:// URL with a host name, got %r' % (field, value))


def require_object_name(params, field='name'):
    """A security object's name as Nexus's NamePatternConstants allows it (privileges, content selectors)."""
    name = require_name(params, field)
    if not NAME_PATTERN.match(name):
        raise ModuleFailure('%s may contain only letters, digits, -, _ and . and must not start with _ or . (Nexus '
                            'refuses it), got %r' % (field, name))
    return name


def already_exists(exc):
    """Whether a failed create means another run created the object first (Nexus answers 400 "... already
    exists" for privileges and content selectors)."""
    return exc.status == 400 and 'already exists' in (exc.message or '')


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _sorted_unique(values):
    return sorted(set(values or []))
