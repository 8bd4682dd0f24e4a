# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""Buckets on MinIO or AWS S3 (S3 API through boto3) and MinIO users, canned policies and bucket quotas
(MinIO's admin API, signed and encrypted in _s3.py).

One storage interface for dev and prod: with endpoint_url set the server is MinIO (path-style
addressing, admin API at the same endpoint); without it, AWS S3.

Facts the code relies on:
- Object lock can only be switched on when a bucket is created (MinIO and AWS answer 409
  InvalidBucketState afterwards; moto answers "Bucket needs to be empty"), and never off; it forces
  versioning on.
- A bucket that was never versioned reports no Status; it cannot go back to that state, only to
  Suspended, so "suspended" is already satisfied by a never-versioned bucket.
- Servers re-serialise policies (MinIO sorts actions and turns single values into lists): policies are
  compared in one canonical form (_s3.normalise_policy).
- Deleting a bucket needs it empty of every object version and delete marker.
- Quota is MinIO-only: PUT set-bucket-quota {"quota", "size", "quotatype": "hard"}; a size of 0 clears it;
  GET get-bucket-quota answers 404 XMinioAdminNoSuchQuotaConfiguration when none was ever set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re
import time

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    Info,
    ModuleFailure,
    Resource,
    desired_mapping,
    require_name,
)
from ansible_collections.maestro.platform.plugins.module_utils._s3 import (
    BotoCoreError,
    ClientError,
    MinioAdmin,
    bucket_name_problem,
    canned_bucket_policy,
    canonical_json,
    check_endpoint,
    client_error_message,
    credentials_refused,
    error_code,
    normalise_policy,
    parse_policy,
    parse_size,
    s3_client,
    shape,
)

CANNED_POLICIES = ('private', 'download', 'upload', 'public')


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


NOT_FOUND = frozenset(('404', 'NoSuchBucket', 'NotFound'))


class MinioOperation:
    """Connection options shared by every minio_* module (mixed into Resource / Info)."""

    service = 'minio'
    connection_options = dict(
        endpoint_url=dict(type='str', aliases=['endpoint', 's3_url', 'aws_endpoint_url'],
                          fallback=(env_fallback, ['MINIO_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'])),
        access_key=dict(type='str', aliases=['aws_access_key_id', 'access_key_id', 'aws_access_key'], no_log=False,
                        fallback=(env_fallback, ['MINIO_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'])),
        secret_key=dict(type='str', aliases=['aws_secret_access_key', 'secret_access_key', 'aws_secret_key'],
                        no_log=True,
                        fallback=(env_fallback, ['MINIO_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'])),
        session_token=dict(type='str', aliases=['aws_session_token'], no_log=True,
                           fallback=(env_fallback, ['AWS_SESSION_TOKEN'])),
        profile=dict(type='str', aliases=['aws_profile'], fallback=(env_fallback, ['AWS_PROFILE'])),
        region=dict(type='str', aliases=['aws_region'],
                    fallback=(env_fallback, ['MINIO_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path', aliases=['aws_ca_bundle'], fallback=(env_fallback, ['AWS_CA_BUNDLE'])),
        timeout=dict(type='int', default=30),
    )
    module_kwargs = dict(required_together=[('access_key', 'secret_key')])

    @staticmethod
    def _check_connection(params):
        if params.get('timeout') is not None and params['timeout'] <= 0:
            raise ModuleFailure('timeout must be a positive number of seconds, got %s' % params['timeout'])
        return check_endpoint(params.get('endpoint_url'))

    @classmethod
    def admin_client(cls, params):
        endpoint = cls._check_connection(params)
        return MinioAdmin(endpoint, params.get('access_key'), params.get('secret_key'),
                          session_token=params.get('session_token'), region=params.get('region'),
                          validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
                          timeout=params.get('timeout') or 30)


class S3Connection:
    """The boto3 S3 client (built on first use, then reused across loop items) and the admin client on demand."""

    def __init__(self, params, admin_factory):
        self.is_minio = bool(params.get('endpoint_url'))
        self._params = params
        self._admin_factory = admin_factory
        self._admin = None
        self._s3 = None

    @property
    def s3(self):
        if self._s3 is None:
            self._s3 = s3_client(self._params)
        return self._s3

    @property
    def admin(self):
        if self._admin is None:
            self._admin = self._admin_factory(self._params)
        return self._admin


class S3Operation(MinioOperation):
    """make_client for the bucket modules: boto3 through S3Connection."""

    @classmethod
    def client_key(cls, params):
        return ('s3',) + super(S3Operation, cls).client_key(params)

    @classmethod
    def make_client(cls, params):
        cls._check_connection(params)
        return S3Connection(params, cls.admin_client)


class AdminOperation(MinioOperation):
    """make_client for the admin modules: only the admin API (no boto3 needed)."""

    @classmethod
    def client_key(cls, params):
        return ('admin',) + super(AdminOperation, cls).client_key(params)

    @classmethod
    def make_client(cls, params):
        return cls.admin_client(params)


def _s3_call(what, verb, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except (ClientError, BotoCoreError) as exc:
        raise ModuleFailure(client_error_message(exc, verb, what), error_code=error_code(exc))


def _absent_on(codes, what, verb, func, *args, **kwargs):
    """func's answer, or None when the server says the sub-resource does not exist."""
    try:
        return func(*args, **kwargs)
    except ClientError as exc:
        if error_code(exc) in codes:
            return None
        raise ModuleFailure(client_error_message(exc, verb, what), error_code=error_code(exc))
    except BotoCoreError as exc:
        raise ModuleFailure(client_error_message(exc, verb, what))


# -- lifecycle rules ------------------------------------------------------------------------------------
LIFECYCLE_RULE_OPTIONS = dict(
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
)


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
    if lock.get('mode') and (lock.get('days') is None) == (lock.get('years') is None):
        raise ModuleFailure('object_lock: mode needs exactly one of days or years')
    for key in ('days', 'years'):
        if lock.get(key) is not None and lock[key] < 1:
            raise ModuleFailure('object_lock: %s must be positive, got %s' % (key, lock[key]))
    if lock['enabled'] and versioning == 'suspended':
        raise ModuleFailure('versioning cannot be suspended on a bucket with object lock; use '
                            'versioning=enabled or leave it unset')


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


# -- reading a bucket -----------------------------------------------------------------------------------
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
        code = error_code(exc)
        if code == '403':
            code = _code_behind_bare_403(s3, name) or code
        if credentials_refused(code):
            raise ModuleFailure('Failed to read bucket %s: %s' % (name, credentials_refused(code)), error_code=code)
        if code in ('403', 'AccessDenied'):
            raise ModuleFailure('Failed to read bucket %s: 403: access denied; the bucket exists but these '
                                'credentials cannot read it (bucket names are global on AWS S3: it may belong to '
                                'another account)' % name, error_code=code)
        raise ModuleFailure(client_error_message(exc, 'read', what), error_code=error_code(exc))
    except BotoCoreError as exc:
        raise ModuleFailure(client_error_message(exc, 'read', what))
    if 'policy' in aspects:
        data = _absent_on(('NoSuchBucketPolicy',), what, 'read the policy of', s3.get_bucket_policy, Bucket=name)
        doc = json.loads(data['Policy']) if data and data.get('Policy') else None
        state['policy'] = canonical_json(normalise_policy(doc)) if doc else 'none'
    if 'lifecycle_rules' in aspects:
        data = _absent_on(('NoSuchLifecycleConfiguration',), what, 'read lifecycle rules of',
                          s3.get_bucket_lifecycle_configuration, Bucket=name)
        rules = sorted((_rule_from_s3(r) for r in (data or {}).get('Rules', [])), key=lambda r: r['id'])
        state['lifecycle_rules'] = canonical_json(rules)
    if 'tags' in aspects:
        data = _absent_on(('NoSuchTagSet', 'NoSuchTagSetError'), what, 'read tags of', s3.get_bucket_tagging,
                          Bucket=name)
        state['tags'] = canonical_json(dict((t['Key'], t['Value']) for t in (data or {}).get('TagSet', [])))
    if 'encryption' in aspects:
        data = _absent_on(('ServerSideEncryptionConfigurationNotFoundError',), what, 'read encryption of',
                          s3.get_bucket_encryption, Bucket=name)
        rules = ((data or {}).get('ServerSideEncryptionConfiguration') or {}).get('Rules') or [{}]
        default = rules[0].get('ApplyServerSideEncryptionByDefault') or {}
        state['encryption'] = canonical_json({'algorithm': default.get('SSEAlgorithm'),
                                              'kms_key_id': default.get('KMSMasterKeyID')})
    if 'object_lock' in aspects:
        data = _absent_on(('ObjectLockConfigurationNotFoundError', 'ObjectLockConfigurationNotFound'), what,
                          'read object lock of', s3.get_object_lock_configuration, Bucket=name)
        config = (data or {}).get('ObjectLockConfiguration') or {}
        retention = (config.get('Rule') or {}).get('DefaultRetention') or {}
        state['object_lock'] = canonical_json({
            'enabled': config.get('ObjectLockEnabled') == 'Enabled', 'mode': retention.get('Mode'),
            'days': retention.get('Days') or None, 'years': retention.get('Years') or None})  # moto adds Years: 0
    if 'quota' in aspects:
        state['quota'] = read_quota(conn, name)
    return state


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
    try:
        data = conn.admin.json('GET', 'get-bucket-quota', {'bucket': name})
    except ApiError as exc:
        if exc.error_code in ('XMinioAdminNoSuchQuotaConfiguration', 'NoSuchQuotaConfiguration'):
            return 0
        raise ModuleFailure('Failed to read the quota of bucket %s: %s' % (name, exc.message),
                            status=exc.status)
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


# -- minio_bucket ---------------------------------------------------------------------------------------
class Bucket(S3Operation, Resource):
    result_key = 'bucket'
    kind = 'bucket'
    module_options = dict(
        name=dict(type='str', required=True, aliases=['bucket']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        # raw: enabled/suspended, or amazon.aws.s3_bucket's true/false (checked in validate)
        versioning=dict(type='raw'),
        policy=dict(type='raw'),
        lifecycle_rules=dict(type='list', elements='dict', options=LIFECYCLE_RULE_OPTIONS),
        object_lock=dict(type='dict', options=dict(
            enabled=dict(type='bool', default=True),
            mode=dict(type='str', choices=['GOVERNANCE', 'COMPLIANCE']),
            days=dict(type='int'),
            years=dict(type='int'),
        )),
        tags=dict(type='dict', aliases=['resource_tags']),
        purge_tags=dict(type='bool', default=False),
        encryption=dict(type='str', choices=['AES256', 'aws:kms']),
        encryption_key_id=dict(type='str'),
        quota=dict(type='raw'),
        force=dict(type='bool', default=False),
    )
    module_kwargs = dict(MinioOperation.module_kwargs,
                         required_by={'encryption_key_id': 'encryption'})

    def describe(self):
        return 'bucket %s' % self.params.get('name')

    def validate(self):
        problem = bucket_name_problem(self.params.get('name'))
        if problem:
            raise ModuleFailure('name: %s' % problem)
        name = self.params['name']
        self.versioning = versioning_state(self.params.get('versioning'))
        self.aspects = [k for k in ('versioning', 'policy', 'lifecycle_rules', 'object_lock', 'tags',
                                    'encryption', 'quota') if self.params.get(k) is not None]
        self.policy = self._policy(self.params.get('policy'), name)
        self.rules = check_lifecycle_rules(self.params.get('lifecycle_rules'))
        check_object_lock(self.params.get('object_lock'), self.versioning)
        check_tags(self.params.get('tags'), 'tags')
        self.quota = None
        if self.params.get('quota') is not None:
            if not self.params.get('endpoint_url'):
                raise ModuleFailure('quota is not supported on AWS S3 (no endpoint_url): bucket quotas are a MinIO '
                                    'admin API feature. Remove quota, or set endpoint_url to your MinIO server')
            self.quota = parse_size(self.params['quota'], 'quota')

    @staticmethod
    def _policy(policy, name):
        """The bucket policy as canonical JSON ('none' for the private preset), or None when unmanaged."""
        if policy is None:
            return None
        if isinstance(policy, str) and policy in CANNED_POLICIES:
            document = canned_bucket_policy(policy, name)
            return canonical_json(normalise_policy(document)) if document else 'none'
        if isinstance(policy, str) and not policy.strip().startswith('{'):
            raise ModuleFailure('policy must be one of %s or a policy document, got %r'
                                % (', '.join(CANNED_POLICIES), policy))
        return canonical_json(normalise_policy(parse_policy(policy, bucket_policy=True)))

    def run(self):
        self._written = self._last_read = None
        result = super(Bucket, self).run()
        if self._written is not None and self._last_read is not None:
            self._check_kept(result)
        return result

    def read(self):
        aspects = self.aspects if self.params['state'] == 'present' else []
        self._last_read = read_bucket(self.client, self.params['name'], aspects)
        return self._last_read

    #: seconds between the re-reads that tell a dropped setting from one that has not propagated yet (AWS S3
    #: applies bucket configuration eventually)
    KEPT_RECHECKS = (1, 1, 1)

    def _check_kept(self, result):
        """After a write: a setting the server accepted but did not keep (moto drops NewerNoncurrentVersions
        from lifecycle rules) is a warning, not a change reported on every run; a write that changed nothing
        the server reports is no change."""
        before, desired, created = self._written
        after = self._last_read
        written = [k for k in desired if k != 'name' and desired[k] != before.get(k)]
        for delay in self.KEPT_RECHECKS:
            if all(after.get(k) == desired[k] for k in written):
                break
            time.sleep(delay)
            after = self.read() or after
            result[self.result_key] = self.public(after)
            if 'diff' in result:
                result['diff']['after'] = self.public(after)
        for key in written:
            if after.get(key) != desired[key]:
                self.warn(self._not_kept(key, desired[key], after.get(key)))
        if not created and all(after.get(k) == before.get(k) for k in written):
            result['changed'] = False

    def _not_kept(self, key, wanted, got):
        name = self.params['name']
        if key == 'lifecycle_rules':
            got_by_id = dict((r['id'], r) for r in json.loads(got or '[]'))
            parts = []
            for rule in json.loads(wanted):
                other = got_by_id.get(rule['id'])
                if other is None:
                    parts.append("rule '%s'" % rule['id'])
                    continue
                fields = [k for k, v in sorted(rule.items()) if v not in (None, False, {}) and other.get(k) != v]
                if fields:
                    parts.append("%s of rule '%s'" % (', '.join(fields), rule['id']))
            detail = '; '.join(parts) or 'the rules as written'
            return ('The server accepted the lifecycle rules of bucket %s but did not keep %s (moto, for one, drops '
                    'NewerNoncurrentVersions = noncurrent_versions_to_keep): this server does not support it, so '
                    'the task cannot converge it here; leave it out of the task for this server' % (name, detail))
        reported = public_bucket({key: got}).get(key) if got is not None else None
        return ('The server accepted %s of bucket %s but reports %s instead of %s: it does not keep this setting, so '
                'the task cannot converge it here; leave it out of the task for this server'
                % (key, name, json.dumps(reported, sort_keys=True),
                   json.dumps(public_bucket({key: wanted})[key], sort_keys=True)))

    def absent_view(self, current):
        self._refuse_if_not_empty()  # check mode predicts the real run's refusal
        return None

    def _refuse_if_not_empty(self):
        name = self.params['name']
        if not self.params['force'] and holds_objects(self.client.s3, name):
            raise ModuleFailure(NOT_EMPTY % name, error_code='BucketNotEmpty')

    def validate_against(self, current):
        lock = self.params.get('object_lock')
        if current is None or lock is None:
            return
        enabled = json.loads(current['object_lock'])['enabled']
        if lock['enabled'] and not enabled:
            raise ModuleFailure('object_lock can only be enabled when a bucket is created: bucket %s exists without '
                                'object lock. Create a new bucket with object_lock and copy the objects, or '
                                'remove object_lock from the task' % self.params['name'])
        if not lock['enabled'] and enabled:
            raise ModuleFailure('object lock cannot be disabled on bucket %s once enabled; remove object_lock '
                                'from the task' % self.params['name'])

    def desired(self, current):
        current = current or {}
        want = {'name': self.params['name']}
        versioning = self.versioning
        lock = self.params.get('object_lock')
        if versioning is not None:
            if versioning == 'suspended' and current.get('versioning') == 'disabled':
                versioning = 'disabled'  # never versioned: already not versioning, and cannot go back
            want['versioning'] = versioning
        if self.policy is not None:
            want['policy'] = self.policy
        if self.rules is not None:
            want['lifecycle_rules'] = canonical_json(self.rules)
        if self.params.get('tags') is not None:
            tags = dict((k, str(v)) for k, v in self.params['tags'].items())
            now = json.loads(current['tags']) if current.get('tags') else {}
            want['tags'] = canonical_json(desired_mapping(now, tags, self.params['purge_tags']))
        if self.params.get('encryption') is not None:
            want['encryption'] = canonical_json({'algorithm': self.params['encryption'],
                                                 'kms_key_id': self.params.get('encryption_key_id')})
        if lock is not None:
            want['object_lock'] = canonical_json({'enabled': lock['enabled'], 'mode': lock.get('mode'),
                                                  'days': lock.get('days'), 'years': lock.get('years')})
            if lock['enabled'] and 'versioning' in want:
                want['versioning'] = 'enabled'
        if self.quota is not None:
            want['quota'] = self.quota
        return want

    def create(self, desired):
        s3, name = self.client.s3, self.params['name']
        kwargs = {'Bucket': name}
        region = s3.meta.region_name
        if region and region != 'us-east-1':
            kwargs['CreateBucketConfiguration'] = {'LocationConstraint': region}
        lock = json.loads(desired['object_lock']) if 'object_lock' in desired else {'enabled': False}
        if lock['enabled']:
            kwargs['ObjectLockEnabledForBucket'] = True
        _s3_call(self.describe(), 'create', s3.create_bucket, **kwargs)
        baseline = {'name': name, 'versioning': 'enabled' if lock['enabled'] else 'disabled', 'policy': 'none',
                    'lifecycle_rules': '[]', 'tags': '{}', 'quota': 0,
                    'encryption': canonical_json({'algorithm': None, 'kms_key_id': None}),
                    'object_lock': canonical_json({'enabled': lock['enabled'], 'mode': None, 'days': None,
                                                   'years': None})}
        self._apply(baseline, desired, created=True)

    def update(self, current, desired):
        self._apply(current, desired)

    def _apply(self, current, desired, created=False):
        s3, name, what = self.client.s3, self.params['name'], self.describe()
        self._written = (current, desired, created)

        def changed(key):
            return key in desired and desired[key] != current.get(key)

        if changed('versioning') and desired['versioning'] != 'disabled':
            _s3_call(what, 'set versioning on', s3.put_bucket_versioning, Bucket=name,
                     VersioningConfiguration={'Status': desired['versioning'].capitalize()})
        if changed('object_lock'):
            lock = json.loads(desired['object_lock'])
            config = {'ObjectLockEnabled': 'Enabled'}
            if lock['mode']:
                retention = {'Mode': lock['mode']}
                retention.update({'Days': lock['days']} if lock['days'] else {'Years': lock['years']})
                config['Rule'] = {'DefaultRetention': retention}
            _s3_call(what, 'set object lock on', s3.put_object_lock_configuration, Bucket=name,
                     ObjectLockConfiguration=config)
        if changed('policy'):
            if desired['policy'] == 'none':
                _s3_call(what, 'delete the policy of', s3.delete_bucket_policy, Bucket=name)
            else:
                _s3_call(what, 'set the policy of', s3.put_bucket_policy, Bucket=name, Policy=desired['policy'])
        if changed('lifecycle_rules'):
            rules = json.loads(desired['lifecycle_rules'])
            if rules:
                _s3_call(what, 'set lifecycle rules of', s3.put_bucket_lifecycle_configuration, Bucket=name,
                         LifecycleConfiguration={'Rules': [_rule_to_s3(r) for r in rules]})
            else:
                _s3_call(what, 'delete lifecycle rules of', s3.delete_bucket_lifecycle, Bucket=name)
        if changed('tags'):
            tags = json.loads(desired['tags'])
            if tags:
                _s3_call(what, 'tag', s3.put_bucket_tagging, Bucket=name,
                         Tagging={'TagSet': [{'Key': k, 'Value': v} for k, v in sorted(tags.items())]})
            else:
                _s3_call(what, 'remove tags of', s3.delete_bucket_tagging, Bucket=name)
        if changed('encryption'):
            enc = json.loads(desired['encryption'])
            default = {'SSEAlgorithm': enc['algorithm']}
            if enc['kms_key_id']:
                default['KMSMasterKeyID'] = enc['kms_key_id']
            _s3_call(what, 'set default encryption of', s3.put_bucket_encryption, Bucket=name,
                     ServerSideEncryptionConfiguration={'Rules': [{'ApplyServerSideEncryptionByDefault': default}]})
        if changed('quota'):
            size = desired['quota']
            body = {'quota': size, 'size': size, 'quotatype': 'hard'} if size else {'quota': 0, 'size': 0}
            try:
                self.client.admin.request('PUT', 'set-bucket-quota', {'bucket': name}, body=body)
            except ApiError as exc:
                raise ModuleFailure('Failed to set the quota of bucket %s: %s' % (name, exc.message),
                                    status=exc.status)

    def delete(self, current):
        s3, name, what = self.client.s3, self.params['name'], self.describe()
        if self.params['force']:
            empty_bucket(s3, name)
        else:
            # Checked here, not left to the server: SeaweedFS deletes a non-empty bucket with everything in it
            # (its s3.allowDeleteBucketNotEmpty defaults to true), where AWS and MinIO refuse.
            self._refuse_if_not_empty()
        try:
            s3.delete_bucket(Bucket=name)
        except ClientError as exc:
            if error_code(exc) == 'BucketNotEmpty':
                raise ModuleFailure(NOT_EMPTY % name, error_code='BucketNotEmpty')
            raise ModuleFailure(client_error_message(exc, 'delete', what), error_code=error_code(exc))

    def public(self, obj):
        return public_bucket(obj)


NOT_EMPTY = ('Failed to delete bucket %s: BucketNotEmpty: the bucket still holds objects or object versions. Set '
             'force=true to delete every object version first')


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
        raise ModuleFailure(client_error_message(exc, 'list the objects of', 'bucket %s' % name))
    return bool(page.get('Versions') or page.get('DeleteMarkers'))


def empty_bucket(s3, name):
    """Delete every object version and delete marker (1000 per request), and pending multipart uploads."""
    what = 'bucket %s' % name
    try:
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
    except (ClientError, BotoCoreError) as exc:
        raise ModuleFailure(client_error_message(exc, 'empty', what), error_code=error_code(exc))


# -- minio_bucket_info ----------------------------------------------------------------------------------
ALL_ASPECTS = ('versioning', 'policy', 'lifecycle_rules', 'object_lock', 'tags', 'encryption')


class BucketInfo(S3Operation, Info):
    module_options = dict(
        name=dict(type='str', aliases=['bucket']),
        details=dict(type='bool', default=True),
        include_quota=dict(type='bool', default=False),
    )

    def run(self):
        conn = self.client
        if self.params.get('include_quota') and not self.params.get('endpoint_url'):
            raise ModuleFailure('include_quota is not supported on AWS S3 (no endpoint_url): bucket quotas are a '
                                'MinIO admin API feature')
        aspects = list(ALL_ASPECTS) + (['quota'] if self.params.get('include_quota') else [])
        name = self.params.get('name')
        if name is not None:
            problem = bucket_name_problem(name)
            if problem:
                raise ModuleFailure('name: %s' % problem)
            names = [(name, None)]
        else:
            listing = _s3_call('buckets', 'list', conn.s3.list_buckets)
            names = [(b['Name'], b.get('CreationDate')) for b in listing.get('Buckets', [])]
        buckets = []
        for bucket, created in names:
            if self.params['details'] or name is not None:
                state = public_bucket(read_bucket(conn, bucket, aspects))
                if state is None:
                    continue
            else:
                state = {'name': bucket}
            if created is not None:
                state['creation_date'] = created.isoformat() if hasattr(created, 'isoformat') else str(created)
            buckets.append(state)
        return {'changed': False, 'buckets': buckets}


# -- minio_policy ---------------------------------------------------------------------------------------
def _admin_call(what, verb, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ApiError as exc:
        raise ModuleFailure('Failed to %s %s: %s' % (verb, what, exc.message), status=exc.status,
                            error_code=exc.error_code)


class Policy(AdminOperation, Resource):
    result_key = 'policy'
    kind = 'MinIO policy'
    module_options = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        policy=dict(type='raw', aliases=['document']),
    )

    def describe(self):
        return "MinIO policy '%s'" % self.params.get('name')

    def validate(self):
        name = require_name(self.params)
        if ',' in name:
            raise ModuleFailure("name: a MinIO policy name cannot contain ',', got %r" % name)
        self.document = None
        if self.params.get('policy') is not None:
            doc = parse_policy(self.params['policy'])
            if doc.get('Version') != '2012-10-17':
                raise ModuleFailure("policy: MinIO accepts only Version '2012-10-17' in policy documents, got %r"
                                    % doc.get('Version'))
            self.document = canonical_json(normalise_policy(doc))

    def read(self):
        try:
            doc = self.client.json('GET', 'info-canned-policy', {'name': self.params['name']})
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise ModuleFailure('Failed to read %s: %s' % (self.describe(), exc.message), status=exc.status)
        if isinstance(doc, dict) and 'PolicyName' in doc and isinstance(doc.get('Policy'), dict):
            doc = doc['Policy']  # the v=2 answer of newer servers wraps the document
        if isinstance(doc, dict) and 'ID' in doc:
            doc = dict(doc, Id=doc.pop('ID'))
        return {'name': self.params['name'], 'policy': canonical_json(normalise_policy(doc))}

    def validate_against(self, current):
        if current is None and self.params['state'] == 'present' and self.document is None:
            raise ModuleFailure('policy is required to create %s' % self.describe())

    def desired(self, current):
        return {'name': self.params['name'],
                'policy': self.document if self.document is not None else current['policy']}

    def create(self, desired):
        self.update(None, desired)

    def update(self, current, desired):
        _admin_call(self.describe(), 'write', self.client.request, 'PUT', 'add-canned-policy',
                    {'name': desired['name']}, body=desired['policy'].encode('utf-8'))

    def delete(self, current):
        try:
            self.client.request('DELETE', 'remove-canned-policy', {'name': current['name']})
        except ApiError as exc:
            if exc.error_code == 'XMinioAdminPolicyInUse':
                raise ModuleFailure('Failed to delete %s: it is attached to users or groups; detach it first '
                                    '(maestro.platform.minio_user policies)' % self.describe(), status=exc.status)
            raise ModuleFailure('Failed to delete %s: %s' % (self.describe(), exc.message), status=exc.status)

    def public(self, obj):
        return {'name': obj['name'], 'policy': json.loads(obj['policy'])}


# -- minio_user -----------------------------------------------------------------------------------------
USER_NAME = re.compile(r'^[^=,\s][^=,]*[^=,\s]$')


class User(AdminOperation, Resource):
    result_key = 'user'
    kind = 'MinIO user'
    module_options = dict(
        name=dict(type='str', required=True, aliases=['user', 'user_access_key']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        secret=dict(type='str', no_log=True, aliases=['user_secret_key', 'password']),
        update_secret=dict(type='str', default='always', choices=['always', 'on_create'], no_log=False),
        status=dict(type='str', choices=['enabled', 'disabled']),
        policies=dict(type='list', elements='str'),
        purge_policies=dict(type='bool', default=False),
    )

    def describe(self):
        return "MinIO user '%s'" % self.params.get('name')

    def validate(self):
        name = require_name(self.params)
        if len(name) < 3 or not USER_NAME.match(name):
            raise ModuleFailure("name: a MinIO access key has at least 3 characters and no '=' or ',', got %r"
                                % name)
        if name == self.params.get('access_key'):
            raise ModuleFailure('name: %r is the account this task connects with; manage other users, not the '
                                'admin account itself' % name)
        secret = self.params.get('secret')
        if secret is not None and len(secret) < 8:
            raise ModuleFailure('secret must have at least 8 characters (MinIO rejects shorter secret keys)')
        for policy in self.params.get('policies') or []:
            if not policy or ',' in policy:
                raise ModuleFailure('policies: %r is not a policy name' % policy)

    def read(self):
        name = self.params['name']
        try:
            info = self.client.json('GET', 'user-info', {'accessKey': name})
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise ModuleFailure('Failed to read %s: %s' % (self.describe(), exc.message), status=exc.status)
        policies = sorted(p for p in (info.get('policyName') or '').split(',') if p)
        state = {'name': name, 'status': info.get('status') or 'enabled', 'policies': policies,
                 'member_of': sorted(info.get('memberOf') or [])}
        if self.params['state'] == 'present' and self.params.get('secret') and \
                self.params['update_secret'] == 'always':
            state['secret_state'] = self._secret_state(name, state['status'])
        return state

    def _secret_state(self, name, status):
        """'current' when the task's secret signs a request MinIO accepts for this user."""
        if status != 'enabled':
            return 'unverifiable'  # MinIO refuses a disabled account before it checks the signature
        try:
            self.client.request('GET', 'accountinfo', access_key=name, secret_key=self.params['secret'])
        except ApiError as exc:
            if exc.error_code == 'SignatureDoesNotMatch':
                return 'outdated'
            if exc.status == 403 and exc.error_code == 'AccessDenied':
                return 'current'  # signature accepted, the call itself not allowed
            raise ModuleFailure('Failed to check the secret of %s: %s' % (self.describe(), exc.message),
                                status=exc.status)
        return 'current'

    def validate_against(self, current):
        if current is None and self.params['state'] == 'present' and not self.params.get('secret'):
            raise ModuleFailure('secret is required to create %s' % self.describe())

    def desired(self, current):
        current = current or {'status': 'enabled', 'policies': [], 'member_of': []}
        want = {'name': self.params['name'], 'status': self.params.get('status') or current['status'],
                'member_of': current['member_of']}
        policies = self.params.get('policies')
        if policies is None:
            want['policies'] = current['policies']
        elif self.params['purge_policies']:
            want['policies'] = sorted(set(policies))
        else:
            want['policies'] = sorted(set(policies) | set(current['policies']))
        if 'secret_state' in current:
            # A disabled account cannot be checked (MinIO refuses it before the signature); its secret is
            # written when this module enables it, which add-user does in the same call.
            unverifiable = current['secret_state'] == 'unverifiable' and want['status'] == 'disabled'
            want['secret_state'] = current['secret_state'] if unverifiable else 'current'
        return want

    def create(self, desired):
        self._add(desired['status'])
        self._policies([], desired['policies'])

    def update(self, current, desired):
        if desired.get('secret_state', 'current') != current.get('secret_state', 'current'):
            self._add(desired['status'])
        elif desired['status'] != current['status']:
            _admin_call(self.describe(), 'set the status of', self.client.request, 'PUT', 'set-user-status',
                        {'accessKey': self.params['name'], 'status': desired['status']})
        self._policies(current['policies'], desired['policies'])

    def _add(self, status):
        _admin_call(self.describe(), 'write', self.client.request, 'PUT', 'add-user',
                    {'accessKey': self.params['name']},
                    body={'secretKey': self.params['secret'], 'status': status}, encrypt=True)

    def _policies(self, current, desired):
        to_attach = [p for p in desired if p not in current]
        to_detach = [p for p in current if p not in desired]
        for op, names in (('attach', to_attach), ('detach', to_detach)):
            if not names:
                continue
            try:
                self.client.request('POST', 'idp/builtin/policy/%s' % op,
                                    body={'policies': names, 'user': self.params['name']}, encrypt=True,
                                    decrypt=True, idempotent=True)
            except ApiError as exc:
                if exc.error_code == 'XMinioAdminPolicyChangeAlreadyApplied':
                    continue  # someone else made the same change meanwhile
                listed = ', '.join(names)
                if exc.error_code == 'XMinioAdminNoSuchPolicy':
                    raise ModuleFailure('Failed to attach policies %s to %s: a policy does not exist; create it '
                                        'first with maestro.platform.minio_policy' % (listed, self.describe()),
                                        status=exc.status)
                raise ModuleFailure('Failed to %s policies %s for %s: %s' % (op, listed, self.describe(), exc.message),
                                    status=exc.status)

    def delete(self, current):
        _admin_call(self.describe(), 'delete', self.client.request, 'DELETE', 'remove-user',
                    {'accessKey': current['name']})

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if k != 'secret_state')
