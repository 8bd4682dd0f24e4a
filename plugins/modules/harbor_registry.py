#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_registry
short_description: Manage Harbor registry endpoints (for replication and proxy cache projects)
version_added: 0.1.0
description:
  - Create, update and delete the remote registry endpoints Harbor replicates from and to, and that proxy
    cache projects pull through.
  - Harbor shows the access secret masked, so it cannot be compared. It is written when the endpoint is
    created, when O(access_key) changes, and on every run with O(update_secret=always).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the registry endpoint.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the endpoint; V(absent) deletes it.
      - Harbor refuses to delete an endpoint that a replication policy or a proxy cache project still uses.
    type: str
    choices: [present, absent]
    default: present
  type:
    description: Kind of registry (Harbor's adapter). Required to create; cannot be changed afterwards.
    type: str
    choices: [harbor, docker-hub, docker-registry, aws-ecr, azure-acr, google-gcr, quay, gitlab, github-ghcr,
              jfrog-artifactory, huawei-SWR, ali-acr, tencent-tcr, volcengine-cr, dtr]
  endpoint_url:
    description:
      - URL of the remote registry, for example V(https://hub.docker.com). Required to create.
      - (O(url) is the Harbor server this module talks to.)
    type: str
    aliases: [registry_url]
  description:
    description: Description of the endpoint.
    type: str
  insecure:
    description: Do not verify the registry's TLS certificate.
    type: bool
  ca_certificate:
    description: PEM CA certificate to verify the registry with, instead of the system CAs.
    type: str
  credential_type:
    description: Kind of credential given in O(access_key) and O(access_secret).
    type: str
    choices: [basic, oauth, secret]
    default: basic
  access_key:
    description: User name or access key at the remote registry.
    type: str
  access_secret:
    description: Password or secret key at the remote registry. Given together with O(access_key).
    type: str
  update_secret:
    description:
      - V(on_create) writes O(access_secret) when the endpoint is created or O(access_key) changes.
      - V(always) writes it on every run (the task then always reports a change).
    type: str
    choices: [on_create, always]
    default: on_create
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_replication_policy
  - module: maestro.platform.harbor_project
"""

EXAMPLES = r"""
- name: Docker Hub endpoint for a proxy cache
  maestro.platform.harbor_registry:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: docker-hub
    type: docker-hub
    endpoint_url: https://hub.docker.com
    description: Pull-through cache upstream

- name: Another Harbor to replicate to
  maestro.platform.harbor_registry:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dr-site
    type: harbor
    endpoint_url: https://harbor-dr.example.com
    description: Disaster-recovery copy
    access_key: robot$replicator
    access_secret: "{{ vault_dr_robot_secret }}"
"""

RETURN = r"""
registry:
  description: The endpoint after the task (predicted in check mode), without secret. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the endpoint (V(null) when it would be created in check mode).
      type: int
      sample: 1
    name:
      description: Name of the endpoint.
      type: str
      sample: dr-site
    type:
      description: Kind of registry.
      type: str
      sample: harbor
    url:
      description: URL of the remote registry.
      type: str
      sample: https://harbor-dr.example.com
    description:
      description: Description.
      type: str
      sample: Disaster-recovery copy
    insecure:
      description: Whether TLS verification is off.
      type: bool
      sample: false
    ca_certificate:
      description: The CA certificate, or V(null).
      type: str
      sample: null
    credential_type:
      description: Kind of credential, or V(null) for anonymous access.
      type: str
      sample: basic
    access_key:
      description: User name or access key (the secret is never returned).
      type: str
      sample: robot$replicator
    status:
      description: Health status Harbor last saw.
      type: str
      sample: healthy
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_registry import Registry
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Registry


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
