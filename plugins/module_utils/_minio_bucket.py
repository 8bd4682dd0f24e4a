# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""The minio_bucket logic: a bucket on MinIO or AWS S3 and its settings (versioning, policy, lifecycle rules,
object lock, tags, default encryption, MinIO quota). Its input checks and lifecycle rules are in
_minio_bucket_rules.py, reading and writing its state in _minio_bucket_state.py; facts the code relies on in
_minio.py's docstring.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible_collections.maestro.platform.plugins.module_utils._minio import MinioOperation, S3Operation
from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_rules import (
    LIFECYCLE_RULE_OPTIONS, check_lifecycle_rules, check_object_lock, check_tags, versioning_state)
from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_state import (
    NOT_EMPTY, empty_bucket, holds_objects, public_bucket, read_bucket, write_bucket)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, desired_mapping
from ansible_collections.maestro.platform.plugins.module_utils._s3 import (
    bucket_name_problem, canonical_json, parse_size, storage_call)
from ansible_collections.maestro.platform.plugins.module_utils._s3_policy import (
    canned_bucket_policy, normalise_policy, parse_policy)

CANNED_POLICIES = ('private', 'download', 'upload', 'public')


class Bucket(S3Operation, Resource):
    result_key = 'bucket'
    kind = 'bucket'
    module_options = dict(  # generated from plugins/modules/minio_bucket.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True, aliases=['bucket']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
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
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
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
        storage_call('create', self.describe(), s3.create_bucket, **kwargs)
        baseline = {'name': name, 'versioning': 'enabled' if lock['enabled'] else 'disabled', 'policy': 'none',
                    'lifecycle_rules': '[]', 'tags': '{}', 'quota': 0,
                    'encryption': canonical_json({'algorithm': None, 'kms_key_id': None}),
                    'object_lock': canonical_json({'enabled': lock['enabled'], 'mode': None, 'days': None,
                                                   'years': None})}
        self._apply(baseline, desired, created=True)

    def update(self, current, desired):
        self._apply(current, desired)

    def _apply(self, current, desired, created=False):
        self._written = (current, desired, created)
        write_bucket(self.client, self.params['name'], current, desired)

    def delete(self, current):
        name = self.params['name']
        if self.params['force']:
            empty_bucket(self.client.s3, name)
        else:
            # Checked here, not left to the server: SeaweedFS deletes a non-empty bucket with everything in it
            # (its s3.allowDeleteBucketNotEmpty defaults to true), where AWS and MinIO refuse.
            self._refuse_if_not_empty()
        storage_call('delete', self.describe(), self.client.s3.delete_bucket, Bucket=name,
                     messages={'BucketNotEmpty': NOT_EMPTY % name})

    def public(self, obj):
        return public_bucket(obj)
