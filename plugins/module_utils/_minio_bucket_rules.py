# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""minio_bucket's settings checked before any request, and its lifecycle rules between the task's form and S3's:
versioning words, lifecycle rules (checked as S3 checks them), tag values, object lock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import shape


def versioning_state(value):
    """'enabled' / 'suspended' from the module's own words or amazon.aws.s3_bucket's booleans; None if unset."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ('enabled', 'suspended'):
        return value.strip().lower()
    if not isinstance(value, (dict, list)):
        if value in BOOLEANS_TRUE or str(value).strip().lower() in BOOLEANS_TRUE:
            return 'enabled'
        if value in BOOLEANS_FALSE or str(value).strip().lower() in BOOLEANS_FALSE:
            return 'suspended'
    raise ModuleFailure('versioning must be enabled or suspended (or true/false, as amazon.aws.s3_bucket takes it), '
                        'got %s %r' % (shape(value), value))


LIFECYCLE_RULE_OPTIONS = dict(  # generated from the lifecycle_rules of plugins/modules/minio_bucket.py, do not edit
    id=dict(type='str', required=True),
    status=dict(type='str', default='enabled', choices=['enabled', 'disabled']),
    prefix=dict(type='str'),
    tags=dict(type='dict'),
    expiration_days=dict(type='int'),
    expiration_date=dict(type='str'),
    expired_object_delete_marker=dict(type='bool'),
    noncurrent_version_expiration_days=dict(type='int'),
    noncurrent_versions_to_keep=dict(type='int'),
    abort_incomplete_multipart_upload_days=dict(type='int'),
)  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write


def _positive(rule, key, where):
    value = rule.get(key)
    if value is not None and value < 1:
        raise ModuleFailure('%s: %s must be a positive number of days, got %s' % (where, key, value))


def check_tags(tags, where):
    """Tag values are strings (a mapping or list would be sent as its repr)."""
    for key, value in (tags or {}).items():
        if value is None or isinstance(value, (dict, list)):
            raise ModuleFailure('%s value of %r must be a string' % (where, key))


def check_object_lock(lock, versioning):
    if lock is None:
        return
    if lock['enabled'] is False and (lock.get('mode') or lock.get('days') or lock.get('years')):
        raise ModuleFailure('object_lock: mode, days and years need enabled=true')
    if (lock.get('days') is not None or lock.get('years') is not None) and not lock.get('mode'):
        raise ModuleFailure('object_lock: a default retention needs mode (GOVERNANCE or COMPLIANCE)')
    _check_retention(lock)
    if lock['enabled'] and versioning == 'suspended':
        raise ModuleFailure('versioning cannot be suspended on a bucket with object lock; use '
                            'versioning=enabled or leave it unset')


def _check_retention(lock):
    """The default retention: a mode with exactly one positive period."""
    if lock.get('mode') and (lock.get('days') is None) == (lock.get('years') is None):
        raise ModuleFailure('object_lock: mode needs exactly one of days or years')
    for key in ('days', 'years'):
        if lock.get(key) is not None and lock[key] < 1:
            raise ModuleFailure('object_lock: %s must be positive, got %s' % (key, lock[key]))


def check_lifecycle_rules(rules):
    """Normalised rules from the task, checked as S3 checks them; ModuleFailure naming the rule."""
    if rules is None:
        return None
    seen, out = set(), []
    for index, rule in enumerate(rules):
        where = 'lifecycle_rules[%d]' % index
        rule_id = rule.get('id')
        if not rule_id or len(rule_id) > 255:
            raise ModuleFailure('%s: id must be 1 to 255 characters' % where)
        where = "lifecycle_rules[%d] (id '%s')" % (index, rule_id)
        if rule_id in seen:
            raise ModuleFailure('%s: rule ids must be unique' % where)
        seen.add(rule_id)
        _check_rule(rule, where)
        tags = rule.get('tags') or {}
        out.append(_rule(rule_id, rule.get('status', 'enabled'), rule.get('prefix') or None,
                         dict((k, str(v)) for k, v in tags.items()), rule))
    return sorted(out, key=lambda r: r['id'])


def _check_rule(rule, where):
    for key in ('expiration_days', 'noncurrent_version_expiration_days', 'abort_incomplete_multipart_upload_days'):
        _positive(rule, key, where)
    if rule.get('noncurrent_versions_to_keep') is not None:
        if not 1 <= rule['noncurrent_versions_to_keep'] <= 100:
            raise ModuleFailure('%s: noncurrent_versions_to_keep must be 1 to 100' % where)
        if rule.get('noncurrent_version_expiration_days') is None:
            raise ModuleFailure('%s: noncurrent_versions_to_keep needs noncurrent_version_expiration_days' % where)
    expirations = [k for k in ('expiration_days', 'expiration_date', 'expired_object_delete_marker')
                   if rule.get(k) not in (None, False)]
    if len(expirations) > 1:
        raise ModuleFailure('%s: give only one of expiration_days, expiration_date and '
                            'expired_object_delete_marker' % where)
    date = rule.get('expiration_date')
    if date is not None:
        try:
            datetime.datetime.strptime(date, '%Y-%m-%d')
        except ValueError:
            raise ModuleFailure('%s: expiration_date must be a date as YYYY-MM-DD, got %r' % (where, date))
    _check_rule_filter(rule, where)
    actions = expirations + [k for k in ('noncurrent_version_expiration_days',
                                         'abort_incomplete_multipart_upload_days') if rule.get(k) is not None]
    if not actions:
        raise ModuleFailure('%s: a rule needs an action: expiration_days, expiration_date, '
                            'expired_object_delete_marker, noncurrent_version_expiration_days or '
                            'abort_incomplete_multipart_upload_days' % where)


def _check_rule_filter(rule, where):
    tags = rule.get('tags') or {}
    check_tags(tags, '%s: tags' % where)
    if tags and rule.get('expired_object_delete_marker'):
        raise ModuleFailure('%s: expired_object_delete_marker cannot be used with a tags filter' % where)
    if tags and rule.get('abort_incomplete_multipart_upload_days') is not None:
        raise ModuleFailure('%s: abort_incomplete_multipart_upload_days cannot be used with a tags filter'
                            % where)


def _rule(rule_id, status, prefix, tags, values):
    rule = {'id': rule_id, 'status': status, 'prefix': prefix, 'tags': tags}
    for key in ('expiration_days', 'expiration_date', 'noncurrent_version_expiration_days',
                'noncurrent_versions_to_keep', 'abort_incomplete_multipart_upload_days'):
        rule[key] = values.get(key)
    rule['expired_object_delete_marker'] = bool(values.get('expired_object_delete_marker'))
    return rule


def _rule_from_s3(raw):
    flt = raw.get('Filter') or {}
    prefix = raw.get('Prefix') or flt.get('Prefix')
    tags = {}
    if flt.get('Tag'):
        tags[flt['Tag']['Key']] = flt['Tag']['Value']
    if flt.get('And'):
        prefix = flt['And'].get('Prefix') or prefix
        tags.update((t['Key'], t['Value']) for t in flt['And'].get('Tags', []))
    expiration = raw.get('Expiration') or {}
    date = expiration.get('Date')
    if isinstance(date, datetime.datetime):
        date = date.strftime('%Y-%m-%d')
    elif date:
        date = str(date)[:10]
    noncurrent = raw.get('NoncurrentVersionExpiration') or {}
    abort = raw.get('AbortIncompleteMultipartUpload') or {}
    return _rule(raw.get('ID'), (raw.get('Status') or 'Enabled').lower(), prefix or None, tags, {
        'expiration_days': expiration.get('Days'), 'expiration_date': date,
        'expired_object_delete_marker': expiration.get('ExpiredObjectDeleteMarker'),
        'noncurrent_version_expiration_days': noncurrent.get('NoncurrentDays'),
        'noncurrent_versions_to_keep': noncurrent.get('NewerNoncurrentVersions'),
        'abort_incomplete_multipart_upload_days': abort.get('DaysAfterInitiation')})


def _rule_to_s3(rule):
    tags = [{'Key': k, 'Value': v} for k, v in sorted(rule['tags'].items())]
    if tags and (rule['prefix'] or len(tags) > 1):
        flt = {'And': dict([('Tags', tags)] + ([('Prefix', rule['prefix'])] if rule['prefix'] else []))}
    elif tags:
        flt = {'Tag': tags[0]}
    else:
        flt = {'Prefix': rule['prefix'] or ''}
    out = {'ID': rule['id'], 'Status': rule['status'].capitalize(), 'Filter': flt}
    if rule['expiration_days'] is not None:
        out['Expiration'] = {'Days': rule['expiration_days']}
    elif rule['expiration_date']:
        out['Expiration'] = {'Date': datetime.datetime.strptime(rule['expiration_date'], '%Y-%m-%d')}
    elif rule['expired_object_delete_marker']:
        out['Expiration'] = {'ExpiredObjectDeleteMarker': True}
    if rule['noncurrent_version_expiration_days'] is not None:
        out['NoncurrentVersionExpiration'] = {'NoncurrentDays': rule['noncurrent_version_expiration_days']}
        if rule['noncurrent_versions_to_keep'] is not None:
            out['NoncurrentVersionExpiration']['NewerNoncurrentVersions'] = rule['noncurrent_versions_to_keep']
    if rule['abort_incomplete_multipart_upload_days'] is not None:
        out['AbortIncompleteMultipartUpload'] = {
            'DaysAfterInitiation': rule['abort_incomplete_multipart_upload_days']}
    return out


def _public_rule(rule):
    return dict((k, v) for k, v in rule.items() if v not in (None, {}, False) or k in ('id', 'status'))
