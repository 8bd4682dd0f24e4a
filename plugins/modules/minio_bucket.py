#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: minio_bucket
short_description: Manage buckets on MinIO or AWS S3
version_added: 0.1.0
description:
  - Create, configure and delete a bucket through the S3 API, on MinIO (O(endpoint_url) set) or on AWS S3
    (no O(endpoint_url)). The same task converges both, so moving the platform from MinIO to S3 is an
    inventory change.
  - Bucket calls go through boto3, retried with botocore's standard retry mode (jittered backoff on
    throttling and 5xx).
  - Only the settings given in the task are managed and read; a setting left unset is not changed.
  - Every setting is checked before any request is sent (bucket naming rules, policy documents, lifecycle
    rules).
author: Maestro Platform engineers (@maestro-platform)
requirements:
  - boto3 and botocore (the collection pins 1.43.117 in requirements/runtime.txt)
options:
  name:
    description:
      - Name of the bucket. The S3 naming rules apply (3 to 63 lower-case letters, digits, dots and
        hyphens, starting and ending with a letter or digit, not like an IP address).
    type: str
    required: true
    aliases: [bucket]
  state:
    description:
      - V(present) creates the bucket if needed and applies the settings.
      - V(absent) deletes it. A bucket that still holds objects is only deleted with O(force=true).
    type: str
    choices: [present, absent]
    default: present
  versioning:
    description:
      - V(enabled) keeps every version of every object; V(suspended) stops creating new versions.
      - V(true) and V(false), as M(amazon.aws.s3_bucket) takes them, mean V(enabled) and V(suspended).
      - A bucket that was never versioned already counts as V(suspended) (S3 cannot return to "never
        versioned").
    type: raw
  policy:
    description:
      - Bucket policy. One of MinIO's anonymous-access presets V(private) (no bucket policy),
        V(download) (anyone may list and read), V(upload) (anyone may write) or V(public) (both), or a
        policy document as a mapping or JSON string (statements need a C(Principal)).
      - Policies are compared as data, so key order, a single value versus a one-item list or the
        server's reformatting never shows as a change.
    type: raw
  lifecycle_rules:
    description:
      - The complete list of lifecycle rules; rules that are not listed are removed. An empty list removes
        all rules.
    type: list
    elements: dict
    suboptions:
      id:
        description: Unique name of the rule (1 to 255 characters).
        type: str
        required: true
      status:
        description: Whether the rule is applied.
        type: str
        choices: [enabled, disabled]
        default: enabled
      prefix:
        description: Apply the rule only to object keys that start with this prefix.
        type: str
      tags:
        description: Apply the rule only to objects with all of these tags.
        type: dict
      expiration_days:
        description: Expire current object versions this many days after creation.
        type: int
      expiration_date:
        description: Expire current object versions on this date (V(YYYY-MM-DD), midnight UTC).
        type: str
      expired_object_delete_marker:
        description: Remove delete markers that have no noncurrent versions left.
        type: bool
      noncurrent_version_expiration_days:
        description: Delete noncurrent object versions this many days after they became noncurrent.
        type: int
      noncurrent_versions_to_keep:
        description:
          - Keep this many newest noncurrent versions (1 to 100) even when they are old enough to expire.
          - Needs O(lifecycle_rules[].noncurrent_version_expiration_days).
        type: int
      abort_incomplete_multipart_upload_days:
        description: Abort multipart uploads not completed this many days after they started.
        type: int
  object_lock:
    description:
      - Object lock (WORM) and its default retention.
      - Object lock can only be enabled when the bucket is created, and never disabled. Asking for it on an
        existing bucket without object lock is an error. It forces versioning on.
    type: dict
    suboptions:
      enabled:
        description: Whether the bucket has object lock.
        type: bool
        default: true
      mode:
        description: Default retention mode for new objects. Needs O(object_lock.days) or O(object_lock.years).
        type: str
        choices: [GOVERNANCE, COMPLIANCE]
      days:
        description: Default retention in days.
        type: int
      years:
        description: Default retention in years.
        type: int
  tags:
    description: Tags to set on the bucket.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags that are not listed in O(tags). With O(tags) unset, tags are not managed.
    type: bool
    default: false
  encryption:
    description:
      - Default server-side encryption of new objects.
      - On MinIO both need a KMS configured on the server.
    type: str
    choices: [AES256, 'aws:kms']
  encryption_key_id:
    description: KMS key for O(encryption=aws:kms).
    type: str
  quota:
    description:
      - Hard quota of the bucket, as a number of bytes or a size such as V(10Gi) or V(500M). V(0) removes the quota.
      - Units as in Kubernetes, V(k), V(M), V(G), V(T), V(P) are powers of 1000 (V(50G) = 50 * 10^9 bytes),
        V(Ki), V(Mi), V(Gi), V(Ti), V(Pi) powers of 1024 (V(50Gi) = 50 * 2^30 bytes); a trailing V(B) changes
        nothing (V(GB) = V(G), V(GiB) = V(Gi)). The result must be a whole number of bytes.
      - MinIO only, through its admin API. Without O(endpoint_url) (AWS S3) this is an error.
    type: raw
  force:
    description:
      - With O(state=absent), delete every object version, delete marker and pending multipart upload first,
        so that a non-empty bucket can be deleted.
      - Without it, deleting a bucket that holds any object version fails, in check mode too. The module
        checks this itself before deleting, because some servers (SeaweedFS) would delete the objects with
        the bucket.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.minio
  - maestro.platform.minio.actiongroups
  - maestro.platform.attributes
notes:
  - After a write the bucket is read again. A setting that the server accepted but did not keep (moto drops
    O(lifecycle_rules[].noncurrent_versions_to_keep)) gives a warning naming it, and a run whose writes
    changed nothing that the server reports is not a change. A setting read back different is read again
    for up to 3 seconds first, since AWS S3 applies bucket configuration eventually. Check mode cannot know
    this in advance and predicts a change.
  - "SeaweedFS (measured with 4.48, C(weed mini)) works with this module as it is. Where it differs from
    AWS S3 and MinIO: it has no MinIO admin API, so O(quota) fails with one sentence saying the server is not
    MinIO; it deletes a bucket together with its objects (its C(s3.allowDeleteBucketNotEmpty) defaults to
    true), which this module prevents by checking for object versions itself unless O(force=true);
    PublicAccessBlock answers NotImplemented (not managed by this module); it stores O(encryption=aws:kms)
    with any O(encryption_key_id) without a KMS behind it. Everything else this module manages (versioning,
    policy, lifecycle rules including O(lifecycle_rules[].noncurrent_versions_to_keep), tags, AES256
    encryption, object lock at creation with a default retention, InvalidBucketState afterwards) answers as
    on AWS."
  - An S3 call the server does not implement fails with one sentence naming the call and saying to leave the
    setting out of the task for that server.
  - Wrong credentials are named by the server's code (V(InvalidAccessKeyId), V(SignatureDoesNotMatch)) even
    when the bucket is read with HEAD, whose answers carry no error code.
seealso:
  - module: maestro.platform.minio_bucket_info
  - module: maestro.platform.minio_policy
  - module: amazon.aws.s3_bucket
"""

EXAMPLES = r"""
- name: MLflow artifact bucket on MinIO (dev), versioned, with a quota
  maestro.platform.minio_bucket:
    endpoint_url: https://minio.dev.example.com:9000
    access_key: "{{ minio_admin_user }}"
    secret_key: "{{ vault_minio_admin_password }}"
    name: mlflow-artifacts
    versioning: enabled
    quota: 200GiB
    tags:
      team: platform

- name: The same bucket on AWS S3 (prod), with lifecycle rules
  maestro.platform.minio_bucket:
    region: eu-central-1
    name: example-mlflow-artifacts
    versioning: enabled
    encryption: AES256
    lifecycle_rules:
      - id: expire-old-versions
        noncurrent_version_expiration_days: 30
        noncurrent_versions_to_keep: 3
      - id: abort-uploads
        abort_incomplete_multipart_upload_days: 7

- name: Public downloads bucket
  maestro.platform.minio_bucket:
    name: public-datasets
    policy: download

- name: Backups bucket with object lock (only possible at creation)
  maestro.platform.minio_bucket:
    name: backups
    object_lock:
      mode: GOVERNANCE
      days: 30

- name: Delete a bucket and everything in it
  maestro.platform.minio_bucket:
    name: scratch
    state: absent
    force: true

- name: Converge many buckets quickly (one client for the whole loop)
  maestro.platform.minio_bucket:
    name: "{{ item }}"
    versioning: enabled
  loop: [mlflow-artifacts, dvc-storage, nexus-blobs, harbor-registry, backups]
  module_defaults:
    group/maestro.platform.minio:
      endpoint_url: "{{ minio_url }}"
      access_key: "{{ minio_admin_user }}"
      secret_key: "{{ vault_minio_admin_password }}"
"""

RETURN = r"""
bucket:
  description:
    - The bucket after the task (predicted in check mode), with the settings the task manages. Empty when
      the bucket does not exist.
    - Use M(maestro.platform.minio_bucket_info) for every setting of a bucket.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the bucket.
      type: str
      sample: mlflow-artifacts
    versioning:
      description: V(enabled), V(suspended) or V(disabled) (never versioned), when managed.
      type: str
      sample: enabled
    policy:
      description: The bucket policy in canonical form (V(null) for none), when managed.
      type: dict
    lifecycle_rules:
      description: The lifecycle rules, sorted by id, when managed.
      type: list
      elements: dict
    object_lock:
      description: O(object_lock) as the server reports it (enabled, mode, days, years), when managed.
      type: dict
    tags:
      description: All tags of the bucket, when managed.
      type: dict
      sample: {"team": "platform"}
    encryption:
      description: Default encryption (algorithm, kms_key_id), when managed; V(null) when none.
      type: dict
    quota:
      description: Hard quota in bytes (V(0) for none), when managed.
      type: int
      sample: 214748364800
"""

from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Bucket


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
