# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the S3 / MinIO helpers of maestro.platform. Not a public API; it may change at any time.
"""IAM and bucket policy documents for the minio_* modules: checked for shape, normalised so that they are
compared as data (servers re-serialise them), and MinIO's canned anonymous-access presets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import shape

_SET_KEYS = ('Action', 'NotAction', 'Resource', 'NotResource')
_POLICY_KEYS = frozenset(('Version', 'Id', 'Statement'))
_STATEMENT_KEYS = frozenset(('Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource',
                             'NotResource', 'Condition'))


def _as_sorted_list(value):
    values = value if isinstance(value, list) else [value]
    return sorted(set(str(v) for v in values))


def _normalise_principal(value):
    if value == '*':
        return {'AWS': ['*']}
    if isinstance(value, dict):
        return dict((k, _as_sorted_list(v)) for k, v in value.items())
    return value


def _normalise_statement(stmt):
    out = {}
    for key, value in stmt.items():
        if key in _SET_KEYS:
            out[key] = _as_sorted_list(value)
        elif key in ('Principal', 'NotPrincipal'):
            out[key] = _normalise_principal(value)
        elif key == 'Condition' and isinstance(value, dict):
            out[key] = dict((op, dict((k, _as_sorted_list(v)) for k, v in (conds or {}).items()))
                            for op, conds in value.items())
        elif key == 'Sid' and value in ('', None):
            continue
        else:
            out[key] = value
    return out


def normalise_policy(doc):
    """A policy document in one canonical form: key order, a single value versus a one-item list, the
    order of actions/resources/statements and duplicate statements make no difference."""
    if doc is None:
        return None
    statements = doc.get('Statement', [])
    if isinstance(statements, dict):
        statements = [statements]
    canon = {}
    for stmt in statements:
        normal = _normalise_statement(stmt)
        canon[json.dumps(normal, sort_keys=True)] = normal
    out = dict((k, v) for k, v in doc.items() if k != 'Statement' and v not in ('', None))
    out['Statement'] = [canon[k] for k in sorted(canon)]
    return out


def parse_policy(value, field='policy', bucket_policy=False):
    """A policy document from a dict or a JSON string, checked for shape; ModuleFailure naming field."""
    value = _policy_document(value, field)
    statements = value.get('Statement')
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise ModuleFailure('%s: Statement must be a non-empty list of statements' % field)
    for index, stmt in enumerate(statements):
        _check_statement(stmt, '%s: Statement[%d]' % (field, index), bucket_policy)
    return value


def _policy_document(value, field):
    """The document as a mapping with known top-level keys and a valid Version."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ModuleFailure('%s is not valid JSON (%s); give a policy document as a YAML mapping or a JSON '
                                'string' % (field, exc))
    if not isinstance(value, dict):
        hint = ' (the list of statements goes under Statement)' if isinstance(value, (list, tuple)) else ''
        raise ModuleFailure('%s must be a policy document: a mapping with Version and Statement, or the same as a '
                            'JSON string, got %s%s' % (field, shape(value), hint))
    unknown = sorted(set(value) - _POLICY_KEYS)
    if unknown:
        raise ModuleFailure('%s has unknown top-level key(s) %s; a policy document has Version, Id and '
                            'Statement' % (field, ', '.join(unknown)))
    version = value.get('Version')
    if version is not None and version not in ('2012-10-17', '2008-10-17'):
        raise ModuleFailure("%s: Version must be '2012-10-17', got %r" % (field, version))
    return value


def _check_statement(stmt, where, bucket_policy):
    if not isinstance(stmt, dict):
        raise ModuleFailure('%s must be a mapping, got %s' % (where, type(stmt).__name__))
    unknown = sorted(set(stmt) - _STATEMENT_KEYS)
    if unknown:
        raise ModuleFailure('%s has unknown key(s) %s' % (where, ', '.join(unknown)))
    if stmt.get('Effect') not in ('Allow', 'Deny'):
        raise ModuleFailure("%s: Effect must be 'Allow' or 'Deny', got %r" % (where, stmt.get('Effect')))
    if ('Action' in stmt) == ('NotAction' in stmt):
        raise ModuleFailure('%s needs exactly one of Action or NotAction' % where)
    if ('Resource' in stmt) == ('NotResource' in stmt):
        raise ModuleFailure('%s needs exactly one of Resource or NotResource' % where)
    _check_statement_values(stmt, where)
    if bucket_policy and 'Principal' not in stmt and 'NotPrincipal' not in stmt:
        raise ModuleFailure('%s needs a Principal: a bucket policy says whom it applies to '
                            '(for example {"AWS": ["*"]})' % where)
    if 'Condition' in stmt and not isinstance(stmt['Condition'], dict):
        raise ModuleFailure('%s: Condition must be a mapping of operator to conditions' % where)


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _check_statement_values(stmt, where):
    """Action/Resource lists hold non-empty strings; actions read 'service:action' (or '*')."""
    for key in _SET_KEYS:
        if key in stmt:
            items = _as_list(stmt[key])
            if not items or not all(isinstance(i, str) and i for i in items):
                raise ModuleFailure('%s: %s must be a non-empty string or list of strings' % (where, key))
    for key in ('Action', 'NotAction'):
        for action in _as_list(stmt.get(key)):
            if action is not None and action != '*' and ':' not in action:
                raise ModuleFailure("%s: %s %r is not 'service:action' (for example s3:GetObject)"
                                    % (where, key, action))


def canned_bucket_policy(name, bucket):
    """MinIO's anonymous-access presets (mc anonymous set none|download|upload|public) as documents."""
    bucket_arn, objects_arn = 'arn:aws:s3:::%s' % bucket, 'arn:aws:s3:::%s/*' % bucket
    anyone = {'AWS': ['*']}
    read = [
        {'Effect': 'Allow', 'Principal': anyone, 'Action': ['s3:GetBucketLocation', 's3:ListBucket'],
         'Resource': [bucket_arn]},
        {'Effect': 'Allow', 'Principal': anyone, 'Action': ['s3:GetObject'], 'Resource': [objects_arn]},
    ]
    write = [
        {'Effect': 'Allow', 'Principal': anyone,
         'Action': ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], 'Resource': [bucket_arn]},
        {'Effect': 'Allow', 'Principal': anyone,
         'Action': ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts',
                    's3:PutObject'], 'Resource': [objects_arn]},
    ]
    statements = {'private': None, 'download': read, 'upload': write, 'public': read + write}[name]
    if statements is None:
        return None
    return {'Version': '2012-10-17', 'Statement': statements}
