#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: minio_bucket_info
short_description: Read buckets and their settings on MinIO or AWS S3
version_added: 0.1.0
description:
  - List the buckets of a MinIO server or AWS account, or read one bucket, with versioning, policy,
    lifecycle rules, object lock, tags, default encryption and (MinIO only) quota.
author: Maestro Platform engineers (@maestro-platform)
requirements:
  - boto3 and botocore (the collection pins 1.43.117 in requirements/runtime.txt)
options:
  name:
    description:
      - Read only this bucket. An empty list is returned when it does not exist.
      - If not set, every bucket the credentials can list is returned.
    type: str
    aliases: [bucket]
  details:
    description:
      - Read every setting of each bucket (several requests per bucket). With V(false) and no O(name), only
        names and creation dates are returned.
    type: bool
    default: true
  include_quota:
    description:
      - Also read the quota of each bucket through MinIO's admin API (needs admin credentials). MinIO only.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.minio
  - maestro.platform.minio.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.minio_bucket
"""

EXAMPLES = r"""
- name: Read one bucket
  maestro.platform.minio_bucket_info:
    endpoint_url: https://minio.dev.example.com:9000
    name: mlflow-artifacts
    include_quota: true
  register: mlflow_bucket

- name: Names of every bucket
  maestro.platform.minio_bucket_info:
    details: false
  register: all_buckets
"""

RETURN = r"""
buckets:
  description: The buckets found, each with the settings of M(maestro.platform.minio_bucket)'s result.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the bucket.
      type: str
      sample: mlflow-artifacts
    creation_date:
      description: When the bucket was created (ISO 8601), when the buckets are listed.
      type: str
    versioning:
      description: V(enabled), V(suspended) or V(disabled) (never versioned).
      type: str
    policy:
      description: The bucket policy in canonical form, V(null) for none.
      type: dict
    lifecycle_rules:
      description: The lifecycle rules, sorted by id.
      type: list
      elements: dict
    object_lock:
      description: Object lock (enabled, mode, days, years).
      type: dict
    tags:
      description: Tags of the bucket.
      type: dict
    encryption:
      description: Default encryption (algorithm, kms_key_id), V(null) when none.
      type: dict
    quota:
      description: Hard quota in bytes (V(0) for none), with O(include_quota=true).
      type: int
"""

from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_info import BucketInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = BucketInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
