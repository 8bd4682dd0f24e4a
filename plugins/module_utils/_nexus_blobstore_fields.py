# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of maestro.platform.nexus_blobstore. Not a public API; it may change at any time.
"""Nexus blob stores as nexus_blobstore sees them: the option <-> API names (quotas, S3 encryption and signer),
the normalised view of a blob store as Nexus returns it, and the checks of the S3 options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


QUOTA_TYPES = {'space_remaining': 'spaceRemainingQuota', 'space_used': 'spaceUsedQuota'}
QUOTA_NAMES = dict((v, k) for k, v in QUOTA_TYPES.items())


# The deprecated soft_quota.limit_mb counts megabytes as the Nexus UI does (10^6 bytes; Nexus 3.20's
# S3BlobStoreApiModelMapper multiplied by its ONE_MILLION).
MEGABYTE = 1000 * 1000

# S3 server-side encryption: the module's names -> S3BlobStoreApiEncryption.encryptionType (the values
# Nexus's API models list: s3ManagedEncryption, kmsManagedEncryption); "none" sends no encryption.
ENCRYPTION_TYPES = {'s3_managed': 's3ManagedEncryption', 'kms_managed': 'kmsManagedEncryption'}
ENCRYPTION_NAMES = dict((v, k) for k, v in ENCRYPTION_TYPES.items())
# the AWS SDK's signer names Nexus passes on (S3BlobStoreApiAdvancedBucketConnection.signerType)
SIGNER_TYPES = ('DEFAULT', 'S3SignerType', 'AWSS3V4SignerType')
ROLE_ARN = re.compile(r'^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]+$')


def _quota_view(raw):
    quota = raw.get('softQuota')
    if not quota:
        return {'type': 'none', 'limit': None}
    return {'type': QUOTA_NAMES.get(quota.get('type'), quota.get('type')), 'limit': quota.get('limit')}


def blobstore_view(kind, name, raw):
    view = {'name': name, 'type': kind, 'soft_quota': _quota_view(raw)}
    if kind == 'file':
        view['path'] = raw.get('path')
        return view
    conf = raw.get('bucketConfiguration') or {}
    bucket = conf.get('bucket') or {}
    security = conf.get('security') or conf.get('bucketSecurity') or {}
    advanced = conf.get('advancedConnection') or conf.get('advancedBucketConnection') or {}
    encryption = conf.get('encryption') or {}
    view.update(bucket=bucket.get('name'), region=bucket.get('region'), prefix=bucket.get('prefix') or '',
                endpoint=advanced.get('endpoint'), force_path_style=bool(advanced.get('forcePathStyle')),
                access_key_id=security.get('accessKeyId'), assume_role=security.get('role') or None,
                signer_type=advanced.get('signerType') or 'DEFAULT',
                max_connection_pool_size=advanced.get('maxConnectionPoolSize'),
                encryption_type=ENCRYPTION_NAMES.get(encryption.get('encryptionType'), 'none'),
                encryption_key=encryption.get('encryptionKey') or None)
    return view


def check_s3_options(p):
    """The S3-only options that need more than their type (bucket, endpoint and quota are checked apart)."""
    if p.get('encryption_key') is not None and p.get('encryption_type') != 'kms_managed':
        raise ModuleFailure('encryption_key (a KMS key id or ARN) needs encryption_type=kms_managed')
    if p.get('max_connection_pool_size') is not None and p['max_connection_pool_size'] < 1:
        raise ModuleFailure('max_connection_pool_size must be a positive number of connections, got %s'
                            % p['max_connection_pool_size'])
    if p.get('assume_role') is not None and not ROLE_ARN.match(p['assume_role']):
        raise ModuleFailure('assume_role must be the ARN of an IAM role, for example '
                            'arn:aws:iam::123456789012:role/nexus-blobs, got %r' % p['assume_role'])
    if p.get('session_token') and not p.get('access_key_id'):
        raise ModuleFailure('session_token belongs to temporary credentials: it needs access_key_id and '
                            'secret_access_key')
