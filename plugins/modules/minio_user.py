#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: minio_user
short_description: Manage MinIO users and their policies
version_added: 0.1.0
description:
  - Create, update and delete an internal MinIO user (access key and secret key), enable or disable it, and
    attach canned policies to it, through MinIO's admin API.
  - The secret key is sent encrypted, as MinIO requires, and never returned or logged.
  - MinIO only. Another S3 server (AWS S3, SeaweedFS) has no such API and answers with an S3 error; the module
    then fails with one sentence saying the endpoint is not a MinIO server, and writes nothing.
author: Maestro Platform engineers (@maestro-platform)
requirements:
  - argon2-cffi, and cryptography or pycryptodome, where the module runs (MinIO requires user secrets and
    policy changes to be sent encrypted with a key derived from the admin secret key)
options:
  name:
    description: Access key (user name) of the user; at least 3 characters, no C(=) or C(,).
    type: str
    required: true
    aliases: [user, user_access_key]
  state:
    description: V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  secret:
    description:
      - Secret key of the user, at least 8 characters. Required to create the user.
    type: str
    aliases: [user_secret_key, password]
  update_secret:
    description:
      - V(always) makes the secret of an existing user equal to O(secret). MinIO never returns secrets, so
        the module checks the secret by signing one request as the user (C(accountinfo)) and writes it only
        when MinIO rejects the signature.
      - A disabled user cannot be checked that way; its secret is written when the module enables it.
      - V(on_create) sets the secret only when the user is created.
    type: str
    choices: [always, on_create]
    default: always
  status:
    description: V(enabled) or V(disabled). New users are enabled unless set.
    type: str
    choices: [enabled, disabled]
  policies:
    description:
      - Canned policies to attach to the user (see M(maestro.platform.minio_policy) and MinIO's built-in
        V(readwrite), V(readonly), V(writeonly)).
      - With O(purge_policies=false) other attached policies are kept.
    type: list
    elements: str
  purge_policies:
    description: Detach policies that are not listed in O(policies). With O(policies) unset, nothing is detached.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.minio
  - maestro.platform.minio.actiongroups
  - maestro.platform.attributes
attributes:
  diff_mode:
    details: The secret is never part of the diff; a changed secret shows as changed without a visible difference.
seealso:
  - module: maestro.platform.minio_policy
"""

EXAMPLES = r"""
- name: Service account of MLflow, with read-write access to its bucket
  maestro.platform.minio_user:
    endpoint_url: https://minio.dev.example.com:9000
    access_key: "{{ minio_admin_user }}"
    secret_key: "{{ vault_minio_admin_password }}"
    name: mlflow
    secret: "{{ vault_minio_mlflow_secret }}"
    policies: [mlflow-artifacts-rw]
    purge_policies: true

- name: Disable a user without touching its secret
  maestro.platform.minio_user:
    name: former-colleague
    status: disabled

- name: Delete a user
  maestro.platform.minio_user:
    name: former-colleague
    state: absent
"""

RETURN = r"""
user:
  description: The user after the task (predicted in check mode); empty when it does not exist. Never the secret.
  returned: always
  type: dict
  contains:
    name:
      description: Access key of the user.
      type: str
      sample: mlflow
    status:
      description: V(enabled) or V(disabled).
      type: str
      sample: enabled
    policies:
      description: Attached canned policies, sorted.
      type: list
      elements: str
      sample: [mlflow-artifacts-rw]
    member_of:
      description: Groups the user belongs to.
      type: list
      elements: str
      sample: []
"""

from ansible_collections.maestro.platform.plugins.module_utils._minio_user import User
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = User


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
