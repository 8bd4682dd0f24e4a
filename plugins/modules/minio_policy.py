#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: minio_policy
short_description: Manage canned IAM policies on MinIO
version_added: 0.1.0
description:
  - Create, update and delete a canned (named) IAM policy through MinIO's admin API, to attach to users with
    M(maestro.platform.minio_user).
  - MinIO returns policies re-serialised (sorted actions, single values as lists); the module compares
    policies as data, so such differences never show as a change.
  - MinIO only. Another S3 server (AWS S3, SeaweedFS) has no such API and answers with an S3 error; the module
    then fails with one sentence saying the endpoint is not a MinIO server, and writes nothing.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the policy (no commas).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the policy; V(absent) deletes it.
      - MinIO refuses to delete a policy that is attached to users; detach it first.
    type: str
    choices: [present, absent]
    default: present
  policy:
    description:
      - The policy document, as a mapping or a JSON string, with C(Version) V(2012-10-17) and a list of
        statements (C(Effect), C(Action) or C(NotAction), C(Resource) or C(NotResource), optional
        C(Condition)).
      - Required to create the policy; when unset, an existing policy is left as it is.
    type: raw
    aliases: [document]
extends_documentation_fragment:
  - maestro.platform.minio
  - maestro.platform.minio.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.minio_user
  - name: MinIO access management
    description: Policy documents MinIO accepts.
    link: https://min.io/docs/minio/linux/administration/identity-access-management/policy-based-access-control.html
"""

EXAMPLES = r"""
- name: Read-write access to the MLflow artifact bucket
  maestro.platform.minio_policy:
    endpoint_url: https://minio.dev.example.com:9000
    access_key: "{{ minio_admin_user }}"
    secret_key: "{{ vault_minio_admin_password }}"
    name: mlflow-artifacts-rw
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: [s3:GetObject, s3:PutObject, s3:DeleteObject]
          Resource: arn:aws:s3:::mlflow-artifacts/*
        - Effect: Allow
          Action: s3:ListBucket
          Resource: arn:aws:s3:::mlflow-artifacts

- name: Remove a policy
  maestro.platform.minio_policy:
    name: old-policy
    state: absent
"""

RETURN = r"""
policy:
  description: The policy after the task (predicted in check mode); empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the policy.
      type: str
      sample: mlflow-artifacts-rw
    policy:
      description: The policy document in canonical form (sorted statements, actions and resources as lists).
      type: dict
"""

from ansible_collections.maestro.platform.plugins.module_utils._minio_policy import Policy
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Policy


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
