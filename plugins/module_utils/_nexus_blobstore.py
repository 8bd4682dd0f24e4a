# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus blob stores (file and S3): the logic of nexus_blobstore (facts in _nexus.py's docstring)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.maestro.platform.plugins.module_utils._http import path_quote
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    NAME_PATTERN, PLACEHOLDER, NexusOperation, _check_url, _get_or_none)
from ansible_collections.maestro.platform.plugins.module_utils._nexus_blobstore_fields import (
    ENCRYPTION_TYPES, MEGABYTE, QUOTA_TYPES, blobstore_view, check_s3_options)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name
from ansible_collections.maestro.platform.plugins.module_utils._size import parse_size


class BlobStore(NexusOperation, Resource):
    result_key = 'blob_store'
    kind = 'Nexus blob store'
    option_code = {'soft_quota': dict(mutually_exclusive=[('limit', 'limit_mb')]),
                   'secret_access_key': dict(no_log=True), 'session_token': dict(no_log=True),
                   'encryption_key': dict(no_log=False)}  # encryption_key: a KMS key id or ARN, not a secret
    module_options = dict(  # generated from plugins/modules/nexus_blobstore.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        type=dict(type='str', choices=['file', 's3']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        path=dict(type='str'),
        soft_quota=dict(type='dict', mutually_exclusive=[('limit', 'limit_mb')], options=dict(
            type=dict(type='str', required=True, choices=['space_remaining', 'space_used', 'none']),
            limit=dict(type='raw'),
            limit_mb=dict(type='int'),
        )),
        bucket=dict(type='str'),
        region=dict(type='str'),
        prefix=dict(type='str'),
        endpoint=dict(type='str'),
        force_path_style=dict(type='bool'),
        access_key_id=dict(type='str'),
        secret_access_key=dict(type='str', no_log=True),
        session_token=dict(type='str', no_log=True),
        assume_role=dict(type='str'),
        signer_type=dict(type='str', choices=['DEFAULT', 'S3SignerType', 'AWSS3V4SignerType']),
        max_connection_pool_size=dict(type='int'),
        encryption_type=dict(type='str', choices=['none', 's3_managed', 'kms_managed']),
        encryption_key=dict(type='str', no_log=False),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(NexusOperation.module_kwargs, required_if=[('state', 'present', ['type'])],
                         required_together=NexusOperation.module_kwargs['required_together'] + [
                             ('access_key_id', 'secret_access_key')])
    S3_ONLY = ('bucket', 'region', 'prefix', 'endpoint', 'force_path_style', 'access_key_id', 'secret_access_key',
               'session_token', 'assume_role', 'signer_type', 'max_connection_pool_size', 'encryption_type',
               'encryption_key')
    # S3 options copied into the view as given
    S3_VIEW = ('bucket', 'region', 'prefix', 'endpoint', 'force_path_style', 'access_key_id', 'assume_role',
               'signer_type', 'max_connection_pool_size', 'encryption_type', 'encryption_key')

    def validate(self):
        p = self.params
        name = require_name(p)
        if not NAME_PATTERN.match(name):
            raise ModuleFailure('name %r is not a valid blob store name: use letters, digits, -, _ and .' % name)
        if p['state'] == 'absent':
            return
        if p['type'] == 'file':
            for option in self.S3_ONLY:
                if p.get(option) is not None:
                    raise ModuleFailure('%s only applies to S3 blob stores (type=s3)' % option)
        elif p.get('path') is not None:
            raise ModuleFailure('path only applies to file blob stores (type=file)')
        else:
            check_s3_options(p)
        self.quota_limit = None
        quota = p.get('soft_quota')
        if quota and quota['type'] != 'none':
            if quota.get('limit') is not None:
                self.quota_limit = parse_size(quota['limit'], 'soft_quota.limit')
            elif quota.get('limit_mb') is not None:
                self.deprecate('soft_quota.limit_mb is deprecated: give soft_quota.limit as a size such as "500G" '
                               'or a number of bytes', version='2.0.0')
                if quota['limit_mb'] <= 0:
                    raise ModuleFailure('soft_quota.limit_mb must be a positive number of megabytes, got %s'
                                        % quota['limit_mb'])
                self.quota_limit = quota['limit_mb'] * MEGABYTE
            else:
                raise ModuleFailure('soft_quota.limit is required with soft_quota.type %s: a size such as "500G" '
                                    '(500 * 10^9 bytes), "500Gi" (500 * 2^30 bytes) or a number of bytes'
                                    % quota['type'])
        _check_url(p.get('endpoint'), 'endpoint')
        if p.get('bucket') is not None and not re.match(r'^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$', p['bucket']):
            raise ModuleFailure('bucket %r is not a valid S3 bucket name (3-63 lower-case letters, digits, . and -)'
                                % p['bucket'])

    def _find_type(self):
        """The type of an existing blob store of that name (one list request), or None."""
        for store in self.client.get('/v1/blobstores') or []:
            if store.get('name') == self.params['name']:
                return (store.get('type') or '').lower()
        return None

    def read(self):
        p = self.params
        self.raw = None
        kinds = [p['type']] if p.get('type') else []
        if not kinds:
            found = self._find_type()
            kinds = [found] if found in ('file', 's3') else []
        for kind in kinds:
            raw = _get_or_none(self.client, '/v1/blobstores/%s/%s' % (kind, path_quote(p['name'])))
            if raw is not None:
                self.raw = raw
                return blobstore_view(kind, p['name'], raw)
        return None

    def validate_against(self, current):
        p = self.params
        if current is None:
            other = self._find_type()
            if other is not None:
                raise ModuleFailure("blob store '%s' already exists as a %s blob store: Nexus cannot change a blob "
                                    "store's type. Delete it first, or choose another name." % (p['name'], other))
            if p['type'] == 's3' and not p.get('bucket'):
                raise ModuleFailure('bucket is required to create S3 blob store %s' % p['name'])
            return
        if p['type'] == 's3':
            for option in ('bucket', 'prefix'):
                wanted = p.get(option)
                if wanted is not None and wanted != current[option]:
                    raise ModuleFailure("%s of S3 blob store '%s' is %r: it cannot change, because the blobs stay "
                                        "where they are (asked %r). Use a new blob store." %
                                        (option, p['name'], current[option], wanted))

    def desired(self, current):
        p = self.params
        if current:
            view = copy.deepcopy(current)
        elif p['type'] == 'file':
            view = {'name': p['name'], 'type': 'file', 'path': p['name'], 'soft_quota': {'type': 'none',
                                                                                         'limit': None}}
        else:
            view = {'name': p['name'], 'type': 's3', 'bucket': None, 'region': 'us-east-1', 'prefix': '',
                    'endpoint': None, 'force_path_style': False, 'access_key_id': None, 'assume_role': None,
                    'signer_type': 'DEFAULT', 'max_connection_pool_size': None, 'encryption_type': 'none',
                    'encryption_key': None, 'soft_quota': {'type': 'none', 'limit': None}}
        for option in ('path',) + self.S3_VIEW:
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('encryption_type') in ('none', 's3_managed'):
            view['encryption_key'] = None
        if p.get('soft_quota'):
            quota = p['soft_quota']
            view['soft_quota'] = {'type': quota['type'], 'limit': self.quota_limit}
        if current and (p.get('secret_access_key') or p.get('session_token')) and p['update_password'] == 'always':
            view['secret_updated'] = True
        return view

    def _body(self, view, raw):
        quota = view['soft_quota']
        body = {}
        if view['type'] == 'file':
            body['path'] = view['path']
        else:
            conf = copy.deepcopy((raw or {}).get('bucketConfiguration') or {})
            for legacy in ('bucketSecurity', 'advancedBucketConnection', 'activeRegion'):
                conf.pop(legacy, None)
            conf['bucket'] = dict(conf.get('bucket') or {}, name=view['bucket'], region=view['region'],
                                  prefix=view['prefix'])
            self._security(conf, view, raw)
            self._advanced(conf, view)
            if view['encryption_type'] == 'none':
                conf.pop('encryption', None)
            else:
                conf['encryption'] = {'encryptionType': ENCRYPTION_TYPES[view['encryption_type']]}
                if view['encryption_key']:
                    conf['encryption']['encryptionKey'] = view['encryption_key']
            body.update(name=view['name'], type='s3', bucketConfiguration=conf)
        if quota['type'] != 'none':
            body['softQuota'] = {'type': QUOTA_TYPES[quota['type']], 'limit': quota['limit']}
        if view['type'] == 'file' and not raw:
            body['name'] = view['name']
        return body

    def _security(self, conf, view, raw):
        """bucketConfiguration.security: the key and its write-only secrets, the role to assume. A stored secret
        or session token comes back as Nexus's placeholder, which keeps it when sent back (S3BlobStoreResource)."""
        p = self.params
        if not view['access_key_id'] and not view['assume_role']:
            conf.pop('security', None)
            return
        stored = ((raw or {}).get('bucketConfiguration') or {}).get('security') or {}
        changed_key = raw and view['access_key_id'] != stored.get('accessKeyId')
        resend = not raw or changed_key or p['update_password'] == 'always'
        security = {}
        if view['access_key_id']:
            security['accessKeyId'] = view['access_key_id']
            security.update(self._key_secrets(stored, resend, changed_key))
        if view['assume_role']:
            security['role'] = view['assume_role']
        conf['security'] = security

    def _key_secrets(self, stored, resend, changed_key):
        """The key's secret and session token: the task's when they are (re)sent, else the placeholder that keeps
        the stored ones (not for a new key)."""
        secrets = {}
        for option, field in (('secret_access_key', 'secretAccessKey'), ('session_token', 'sessionToken')):
            if self.params.get(option) and resend:
                secrets[field] = self.params[option]
            elif stored.get(field) and not changed_key:
                secrets[field] = PLACEHOLDER
        return secrets

    @staticmethod
    def _advanced(conf, view):
        advanced = dict(conf.get('advancedConnection') or {})
        for field, value in (('endpoint', view['endpoint']), ('maxConnectionPoolSize',
                                                              view['max_connection_pool_size'])):
            if value:
                advanced[field] = value
            else:
                advanced.pop(field, None)
        if view['signer_type'] and view['signer_type'] != 'DEFAULT':
            advanced['signerType'] = view['signer_type']
        else:
            advanced.pop('signerType', None)
        advanced['forcePathStyle'] = bool(view['force_path_style'])
        conf['advancedConnection'] = advanced

    def create(self, desired):
        self.client.post('/v1/blobstores/%s' % desired['type'], self._body(desired, None))

    def update(self, current, desired):
        self.client.put('/v1/blobstores/%s/%s' % (desired['type'], path_quote(desired['name'])),
                        self._body(desired, self.raw))

    def delete(self, current):
        self.client.delete('/v1/blobstores/' + path_quote(self.params['name']))

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'secret_updated')
