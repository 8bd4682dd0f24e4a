# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""A bucket's state over S3 (and MinIO's admin API for its quota): read per aspect, written per aspect,
emptied, and shown (the internal form keeps JSON-canonical strings, so states compare as data).

Facts the code relies on are listed in _minio.py's docstring.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._minio import NOT_FOUND
from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_rules import (
    _public_rule, _rule_from_s3, _rule_to_s3)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import (
    BotoCoreError,
    ClientError,
    canonical_json,
    credentials_refused,
    error_code,
    storage_call,
    storage_errors,
    storage_failure,
)
from ansible_collections.maestro.platform.plugins.module_utils._s3_policy import normalise_policy

NOT_EMPTY = ('Failed to delete bucket %s: BucketNotEmpty: the bucket still holds objects or object versions. Set '
             'force=true to delete every object version first')
DENIED = ('Failed to read bucket %s: 403: access denied; the bucket exists but these credentials cannot read it '
          '(bucket names are global on AWS S3: it may belong to another account)')
# aspect -> (the codes that say it is not set, what to say when reading it fails, the boto3 getter)
ASPECT_READS = {
    'policy': (('NoSuchBucketPolicy',), 'read the policy of', 'get_bucket_policy'),
    'lifecycle_rules': (('NoSuchLifecycleConfiguration',), 'read lifecycle rules of',
                        'get_bucket_lifecycle_configuration'),
    'tags': (('NoSuchTagSet', 'NoSuchTagSetError'), 'read tags of', 'get_bucket_tagging'),
    'encryption': (('ServerSideEncryptionConfigurationNotFoundError',), 'read encryption of', 'get_bucket_encryption'),
    'object_lock': (('ObjectLockConfigurationNotFoundError', 'ObjectLockConfigurationNotFound'), 'read object lock of',
                    'get_object_lock_configuration'),
}


def _policy_state(data):
    doc = json.loads(data['Policy']) if data and data.get('Policy') else None
    return canonical_json(normalise_policy(doc)) if doc else 'none'


def _rules_state(data):
    return canonical_json(sorted((_rule_from_s3(r) for r in (data or {}).get('Rules', [])), key=lambda r: r['id']))


def _tags_state(data):
    return canonical_json(dict((t['Key'], t['Value']) for t in (data or {}).get('TagSet', [])))


def _encryption_state(data):
    rules = ((data or {}).get('ServerSideEncryptionConfiguration') or {}).get('Rules') or [{}]
    default = rules[0].get('ApplyServerSideEncryptionByDefault') or {}
    return canonical_json({'algorithm': default.get('SSEAlgorithm'), 'kms_key_id': default.get('KMSMasterKeyID')})


def _object_lock_state(data):
    config = (data or {}).get('ObjectLockConfiguration') or {}
    retention = (config.get('Rule') or {}).get('DefaultRetention') or {}
    return canonical_json({
        'enabled': config.get('ObjectLockEnabled') == 'Enabled', 'mode': retention.get('Mode'),
        'days': retention.get('Days') or None, 'years': retention.get('Years') or None})  # moto adds Years: 0


ASPECT_STATES = {'policy': _policy_state, 'lifecycle_rules': _rules_state, 'tags': _tags_state,
                 'encryption': _encryption_state, 'object_lock': _object_lock_state}


def read_bucket(conn, name, aspects):
    """The bucket's state for the given aspects (internal form: JSON-canonical strings), or None."""
    s3, what = conn.s3, 'bucket %s' % name
    state = {'name': name}
    try:
        if 'versioning' in aspects:
            # GetBucketVersioning answers NoSuchBucket for a missing bucket, as HeadBucket does: it is the
            # existence check too (one request per bucket less).
            data = s3.get_bucket_versioning(Bucket=name)
            state['versioning'] = (data.get('Status') or 'disabled').lower()
        else:
            s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return None
        _refuse_unreadable(s3, name, exc)
    except BotoCoreError as exc:
        raise storage_failure(exc, 'read', what)
    for aspect in ('policy', 'lifecycle_rules', 'tags', 'encryption', 'object_lock'):
        if aspect in aspects:
            absent, verb, getter = ASPECT_READS[aspect]
            data = storage_call(verb, what, getattr(s3, getter), Bucket=name, absent=absent)
            state[aspect] = ASPECT_STATES[aspect](data)
    if 'quota' in aspects:
        state['quota'] = read_quota(conn, name)
    return state


def _refuse_unreadable(s3, name, exc):
    """Fail for an existing bucket the credentials cannot read, saying whether the credentials are wrong."""
    code = error_code(exc)
    if code == '403':
        code = _code_behind_bare_403(s3, name) or code
    if credentials_refused(code):
        raise ModuleFailure('Failed to read bucket %s: %s' % (name, credentials_refused(code)), error_code=code)
    if code in ('403', 'AccessDenied'):
        raise ModuleFailure(DENIED % name, error_code=code)
    raise storage_failure(exc, 'read', 'bucket %s' % name)


def _code_behind_bare_403(s3, name):
    """A HEAD answer has no body, so a 403 does not say whether the credentials are wrong
    (InvalidAccessKeyId, SignatureDoesNotMatch) or merely not allowed: ask the same of a GET, whose error
    document names the code. None when that answer does not help."""
    try:
        s3.get_bucket_location(Bucket=name)
    except ClientError as exc:
        return error_code(exc)
    except BotoCoreError:
        return None
    return None


def read_quota(conn, name):
    data = storage_call('read the quota of', 'bucket %s' % name, conn.admin.json, 'GET', 'get-bucket-quota',
                        {'bucket': name}, absent=('XMinioAdminNoSuchQuotaConfiguration', 'NoSuchQuotaConfiguration'))
    return int((data or {}).get('size') or (data or {}).get('quota') or 0)


def public_bucket(state):
    """The internal state as returned and diffed (JSON strings back to data)."""
    if state is None:
        return None
    out = {}
    for key, value in state.items():
        if key in ('tags', 'lifecycle_rules', 'encryption', 'object_lock'):
            value = json.loads(value)
            if key == 'lifecycle_rules':
                value = [_public_rule(r) for r in value]
            if key == 'encryption' and not value.get('algorithm'):
                value = None
        elif key == 'policy':
            value = None if value == 'none' else json.loads(value)
        out[key] = value
    return out


def write_bucket(conn, name, current, desired):
    """Write each aspect whose desired value differs from current, in the order S3 needs (versioning before
    object lock)."""
    s3, what = conn.s3, 'bucket %s' % name

    def changed(key):
        return key in desired and desired[key] != current.get(key)

    if changed('versioning') and desired['versioning'] != 'disabled':
        storage_call('set versioning on', what, s3.put_bucket_versioning, Bucket=name,
                     VersioningConfiguration={'Status': desired['versioning'].capitalize()})
    if changed('object_lock'):
        storage_call('set object lock on', what, s3.put_object_lock_configuration, Bucket=name,
                     ObjectLockConfiguration=_object_lock_to_s3(json.loads(desired['object_lock'])))
    if changed('policy'):
        if desired['policy'] == 'none':
            storage_call('delete the policy of', what, s3.delete_bucket_policy, Bucket=name)
        else:
            storage_call('set the policy of', what, s3.put_bucket_policy, Bucket=name, Policy=desired['policy'])
    if changed('lifecycle_rules'):
        rules = json.loads(desired['lifecycle_rules'])
        if rules:
            storage_call('set lifecycle rules of', what, s3.put_bucket_lifecycle_configuration, Bucket=name,
                         LifecycleConfiguration={'Rules': [_rule_to_s3(r) for r in rules]})
        else:
            storage_call('delete lifecycle rules of', what, s3.delete_bucket_lifecycle, Bucket=name)
    if changed('tags'):
        tags = json.loads(desired['tags'])
        if tags:
            storage_call('tag', what, s3.put_bucket_tagging, Bucket=name,
                         Tagging={'TagSet': [{'Key': k, 'Value': v} for k, v in sorted(tags.items())]})
        else:
            storage_call('remove tags of', what, s3.delete_bucket_tagging, Bucket=name)
    if changed('encryption'):
        default = _encryption_to_s3(json.loads(desired['encryption']))
        storage_call('set default encryption of', what, s3.put_bucket_encryption, Bucket=name,
                     ServerSideEncryptionConfiguration={'Rules': [{'ApplyServerSideEncryptionByDefault': default}]})
    if changed('quota'):
        size = desired['quota']
        body = {'quota': size, 'size': size, 'quotatype': 'hard'} if size else {'quota': 0, 'size': 0}
        storage_call('set the quota of', what, conn.admin.request, 'PUT', 'set-bucket-quota', {'bucket': name},
                     body=body)


def _object_lock_to_s3(lock):
    config = {'ObjectLockEnabled': 'Enabled'}
    if lock['mode']:
        retention = {'Mode': lock['mode']}
        retention.update({'Days': lock['days']} if lock['days'] else {'Years': lock['years']})
        config['Rule'] = {'DefaultRetention': retention}
    return config


def _encryption_to_s3(enc):
    default = {'SSEAlgorithm': enc['algorithm']}
    if enc['kms_key_id']:
        default['KMSMasterKeyID'] = enc['kms_key_id']
    return default


def holds_objects(s3, name):
    """Whether the bucket holds any object version or delete marker; None when the credentials may not list
    it (the server then decides)."""
    try:
        page = s3.list_object_versions(Bucket=name, MaxKeys=1)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return False
        return None
    except BotoCoreError as exc:
        raise storage_failure(exc, 'list the objects of', 'bucket %s' % name)
    return bool(page.get('Versions') or page.get('DeleteMarkers'))


def empty_bucket(s3, name):
    """Delete every object version and delete marker (1000 per request), and pending multipart uploads."""
    with storage_errors('empty', 'bucket %s' % name):
        for page in s3.get_paginator('list_object_versions').paginate(Bucket=name):
            keys = [{'Key': v['Key'], 'VersionId': v['VersionId']}
                    for v in page.get('Versions', []) + page.get('DeleteMarkers', [])]
            if not keys:
                continue
            errors = s3.delete_objects(Bucket=name, Delete={'Objects': keys, 'Quiet': True}).get('Errors') or []
            if errors:
                first = errors[0]
                raise ModuleFailure('Failed to empty bucket %s: %s: %s (%s; %d object versions could not be '
                                    'deleted)' % (name, first.get('Code'), first.get('Message'), first.get('Key'),
                                                  len(errors)))
        for upload in s3.list_multipart_uploads(Bucket=name).get('Uploads', []):
            s3.abort_multipart_upload(Bucket=name, Key=upload['Key'], UploadId=upload['UploadId'])
