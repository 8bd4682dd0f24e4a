#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_blobstore
short_description: Manage Nexus Repository 3 blob stores (file and S3)
version_added: 0.1.0
description:
  - Create, update and delete file and S3 blob stores of Nexus Repository 3 through its REST API.
  - S3 blob stores work with AWS S3 and with S3-compatible storage such as MinIO (O(endpoint),
    O(force_path_style), O(signer_type)), with server-side encryption (O(encryption_type)), an assumed IAM role
    (O(assume_role)) or temporary credentials (O(session_token)).
  - Options left unset are not managed.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the blob store.
    type: str
    required: true
  type:
    description:
      - V(file) stores blobs on the Nexus host's disk, V(s3) in an S3 bucket. Required with O(state=present).
      - Nexus cannot change a blob store's type; a blob store of that name with another type is an error.
    type: str
    choices: [file, s3]
  state:
    description:
      - V(present) creates or updates the blob store. V(absent) deletes it; Nexus refuses while a repository uses it.
    type: str
    choices: [present, absent]
    default: present
  path:
    description: File only. Absolute path, or a path relative to C(<data-dir>/blobs) (the name when created).
    type: str
  soft_quota:
    description: A soft quota (Nexus warns when it is exceeded; writes are not blocked).
    type: dict
    suboptions:
      type:
        description: V(space_remaining) or V(space_used) quota; V(none) removes the quota.
        type: str
        required: true
        choices: [space_remaining, space_used, none]
      limit:
        description:
          - The limit (required unless O(soft_quota.type=none)), as a number of bytes or a size such as V(500G).
            Nexus stores it in bytes.
          - Units as in Kubernetes, V(k), V(M), V(G), V(T), V(P) are powers of 1000 (V(50G) = 50 * 10^9 bytes),
            V(Ki), V(Mi), V(Gi), V(Ti), V(Pi) powers of 1024 (V(50Gi) = 50 * 2^30 bytes); a trailing V(B) changes
            nothing (V(GB) = V(G), V(GiB) = V(Gi)). The result must be a whole number of bytes.
        type: raw
      limit_mb:
        description:
          - Deprecated, use O(soft_quota.limit). The limit in megabytes of 10^6 bytes, as the Nexus UI counts them;
            sent to Nexus in bytes. Mutually exclusive with O(soft_quota.limit).
          - Before this collection's next release it was sent unconverted, so Nexus held a limit a million times too
            small; the next run with the same value corrects it (and reports a change).
        type: int
  bucket:
    description:
      - S3 only, required to create. Name of the bucket (it is created by Nexus if it does not exist).
      - Cannot be changed later, because the blobs stay where they are.
    type: str
  region:
    description: S3 only. Region of the bucket (V(us-east-1) when created).
    type: str
  prefix:
    description: S3 only. Key prefix of the blobs in the bucket. Cannot be changed later.
    type: str
  endpoint:
    description: S3 only. URL of an S3-compatible service such as MinIO; unset for AWS S3.
    type: str
  force_path_style:
    description: S3 only. Use path-style bucket URLs, as MinIO needs.
    type: bool
  access_key_id:
    description:
      - S3 only. Access key; without it Nexus uses its host's AWS credentials (instance profile, environment).
    type: str
  secret_access_key:
    description:
      - S3 only. Secret key of O(access_key_id). Nexus never returns it; see O(update_password).
    type: str
  session_token:
    description:
      - S3 only. AWS STS session token of temporary credentials (O(access_key_id) and O(secret_access_key) are then
        the temporary key). Nexus never returns it; it is sent as O(update_password) says.
    type: str
  assume_role:
    description:
      - S3 only. ARN of an IAM role Nexus assumes to reach the bucket (with O(access_key_id) or its host's
        credentials), for example V(arn:aws:iam::123456789012:role/nexus-blobs).
    type: str
  signer_type:
    description:
      - S3 only. The request signature version some S3-compatible stores need - V(S3SignerType) (version 2) or
        V(AWSS3V4SignerType) (version 4); V(DEFAULT) lets the AWS SDK choose (when created).
    type: str
    choices: [DEFAULT, S3SignerType, AWSS3V4SignerType]
  max_connection_pool_size:
    description: S3 only. Connections of this blob store's S3 client (Nexus's default when unset).
    type: int
  encryption_type:
    description:
      - S3 only. Server-side encryption of the blobs - V(s3_managed) (SSE-S3), V(kms_managed) (SSE-KMS, with
        O(encryption_key)), or V(none) (when created).
    type: str
    choices: [none, s3_managed, kms_managed]
  encryption_key:
    description:
      - S3 only, with O(encryption_type=kms_managed). The KMS key id or ARN; unset uses the account's AWS managed
        key.
    type: str
  update_password:
    description:
      - V(on_create) sets O(secret_access_key) and O(session_token) on creation, and when O(access_key_id)
        changes.
      - V(always) sends them on every run, which then always reports a change; use it to rotate the key.
    type: str
    choices: [on_create, always]
    default: on_create
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_repository
  - name: Nexus blob stores
    description: Blob store concepts and the S3 settings.
    link: https://help.sonatype.com/en/configuring-blob-stores.html
"""

EXAMPLES = r"""
- name: S3 blob store on the platform's MinIO
  maestro.platform.nexus_blobstore:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: s3-artifacts
    type: s3
    bucket: nexus-blobs
    region: us-east-1
    endpoint: https://minio.example.com
    force_path_style: true
    access_key_id: nexus
    secret_access_key: "{{ vault_nexus_s3_secret }}"

- name: File blob store with a soft quota of 500 GB (500 * 10^9 bytes; "500Gi" would be 500 * 2^30)
  maestro.platform.nexus_blobstore:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: local
    type: file
    path: /nexus-data/blobs/local
    soft_quota:
      type: space_used
      limit: 500G


- name: S3 blob store on AWS with SSE-KMS, reached through an assumed role (no keys in Nexus)
  maestro.platform.nexus_blobstore:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: s3-aws
    type: s3
    bucket: example-nexus-blobs
    region: eu-west-1
    assume_role: arn:aws:iam::123456789012:role/nexus-blobs
    encryption_type: kms_managed
    encryption_key: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    max_connection_pool_size: 200
"""

RETURN = r"""
blob_store:
  description: The blob store after the task (predicted in check mode); empty after deletion. Never holds the secret.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the blob store.
      type: str
      sample: s3-artifacts
    type:
      description: V(file) or V(s3).
      type: str
      sample: s3
    soft_quota:
      description: C(type) (V(none) when there is no quota) and C(limit) in bytes.
      type: dict
      sample: {"type": "space_used", "limit": 500000000000}
    path:
      description: File only, the path of the blob store.
      type: str
      returned: for file blob stores
    bucket:
      description: S3 only, the bucket.
      type: str
      returned: for S3 blob stores
    region:
      description: S3 only, the bucket's region.
      type: str
      returned: for S3 blob stores
    prefix:
      description: S3 only, the key prefix (empty when none).
      type: str
      returned: for S3 blob stores
    endpoint:
      description: S3 only, the endpoint (V(null) for AWS S3).
      type: str
      returned: for S3 blob stores
    force_path_style:
      description: S3 only, whether path-style URLs are used.
      type: bool
      returned: for S3 blob stores
    access_key_id:
      description: S3 only, the access key (V(null) when Nexus uses its host's credentials).
      type: str
      returned: for S3 blob stores
    assume_role:
      description: S3 only, the ARN of the role Nexus assumes (V(null) when none).
      type: str
      returned: for S3 blob stores
    signer_type:
      description: S3 only, the signer type (V(DEFAULT) when unset).
      type: str
      returned: for S3 blob stores
    max_connection_pool_size:
      description: S3 only, the connection pool size (V(null) for Nexus's default).
      type: int
      returned: for S3 blob stores
    encryption_type:
      description: S3 only, V(none), V(s3_managed) or V(kms_managed).
      type: str
      returned: for S3 blob stores
    encryption_key:
      description: S3 only, the KMS key (V(null) when none).
      type: str
      returned: for S3 blob stores
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_blobstore import BlobStore
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = BlobStore


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
