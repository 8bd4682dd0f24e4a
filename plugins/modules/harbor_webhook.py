#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_webhook
short_description: Manage the webhooks of a Harbor project
version_added: 0.1.0
description:
  - Create, update and delete webhook policies of a Harbor project, identified by project and name.
author: Maestro Platform engineers (@maestro-platform)
options:
  project:
    description: Name of the project.
    type: str
    required: true
  name:
    description: Name of the webhook policy.
    type: str
    required: true
  state:
    description: V(present) creates or updates the webhook; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the webhook.
    type: str
  enabled:
    description: Whether the webhook fires. New webhooks are enabled.
    type: bool
  targets:
    description: Where events are sent. Required to create; when given, the list replaces the webhook's targets.
    type: list
    elements: dict
    suboptions:
      address:
        description: URL that receives the events.
        type: str
        required: true
      type:
        description: V(http) or V(slack), the target types Harbor has.
        type: str
        choices: [http, slack]
        default: http
      auth_header:
        description: Value of the C(Authorization) header Harbor sends, for example V(Bearer abc...).
        type: str
      skip_cert_verify:
        description: Do not verify the receiver's TLS certificate.
        type: bool
        default: false
      payload_format:
        description:
          - V(Default) (Harbor's JSON) or V(CloudEvents), for http targets only. An http target without it gets
            V(Default).
          - Harbor refuses any payload format on a slack target, so giving one with O(targets[].type=slack)
            fails before anything is sent.
        type: str
        choices: [Default, CloudEvents]
  event_types:
    description:
      - Events that fire the webhook. Required to create; when given, the list replaces the webhook's events.
      - "Harbor's events (any case): V(PUSH_ARTIFACT), V(PULL_ARTIFACT), V(DELETE_ARTIFACT), V(SCANNING_FAILED),
        V(SCANNING_STOPPED), V(SCANNING_COMPLETED), V(QUOTA_EXCEED), V(QUOTA_WARNING), V(REPLICATION),
        V(TAG_RETENTION)."
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project
"""

EXAMPLES = r"""
- name: Tell the deployment service about every push
  maestro.platform.harbor_webhook:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    name: deployer
    targets:
      - address: https://deployer.example.com/hooks/harbor
        auth_header: "Bearer {{ vault_deployer_token }}"
        payload_format: CloudEvents
    event_types: [push_artifact, delete_artifact]
"""

RETURN = r"""
webhook:
  description: The webhook after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the webhook policy (V(null) when it would be created in check mode).
      type: int
      sample: 2
    project:
      description: Name of the project.
      type: str
      sample: ml-models
    name:
      description: Name of the webhook.
      type: str
      sample: deployer
    description:
      description: Description.
      type: str
      sample: ""
    enabled:
      description: Whether the webhook fires.
      type: bool
      sample: true
    targets:
      description:
        - Targets; an auth header is never shown (V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) when one is set).
        - C(payload_format) is V(null) for a slack target, which has none.
      type: list
      elements: dict
      sample: [{"type": "http", "address": "https://deployer.example.com/hooks/harbor", "auth_header": null,
                "skip_cert_verify": false, "payload_format": "CloudEvents"}]
    event_types:
      description: Events, sorted.
      type: list
      elements: str
      sample: ["DELETE_ARTIFACT", "PUSH_ARTIFACT"]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_webhook import Webhook
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Webhook


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
