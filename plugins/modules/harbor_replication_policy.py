#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_replication_policy
short_description: Manage Harbor replication policies
version_added: 0.1.0
description:
  - Create, update and delete replication rules that push artifacts from this Harbor to a registry endpoint
    (O(destination_registry)) or pull them from one (O(source_registry)).
  - Registry endpoints are named, not numbered; create them with M(maestro.platform.harbor_registry).
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the policy.
    type: str
    required: true
  state:
    description: V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the policy.
    type: str
  source_registry:
    description: Pull-based replication from this registry endpoint into this Harbor. Exclusive with O(destination_registry).
    type: str
  destination_registry:
    description: Push-based replication from this Harbor to this registry endpoint. Exclusive with O(source_registry).
    type: str
  dest_namespace:
    description: Namespace (project) at the destination; empty keeps the source namespace.
    type: str
    aliases: [destination_namespace]
  dest_namespace_replace_count:
    description:
      - How many leading path components of the repository are replaced by O(dest_namespace);
        V(-1) is Harbor's legacy behaviour.
    type: int
  trigger:
    description: V(manual), V(scheduled) (with O(cron)) or V(event_based) (on push and delete). New policies are manual.
    type: str
    choices: [manual, scheduled, event_based]
  cron:
    description:
      - Schedule of a V(scheduled) policy, as Harbor's six-field cron with seconds first,
        for example V(0 0 2 * * *) for 02:00 every day.
      - Harbor takes V(0) only in the seconds field, no V(*) in the minutes field, V(0) to V(6) for the day of week.
    type: str
  filters:
    description:
      - Which resources to replicate. The list replaces the policy's filters; V([]) replicates everything.
    type: list
    elements: dict
    suboptions:
      type:
        description: V(name) (repository), V(tag), V(label) or V(resource).
        type: str
        required: true
        choices: [name, tag, label, resource]
      value:
        description:
          - A pattern such as V(library/**) or V(v1.*) for V(name) and V(tag); a list of label names for
            V(label); V(image) or V(artifact) for V(resource).
        type: raw
        required: true
      decoration:
        description:
          - V(matches) includes what the filter selects; V(excludes) leaves it out.
          - V(excludes) is for C(tag) and C(label) filters only (Harbor refuses a decoration on C(name) and
            C(resource) filters, and the module sends none for them).
        type: str
        choices: [matches, excludes]
        default: matches
  replicate_deletion:
    description: Replicate deletions too.
    type: bool
  override:
    description: Overwrite artifacts that already exist at the destination. New policies override.
    type: bool
  enabled:
    description: Whether the policy runs. New policies are enabled.
    type: bool
  speed:
    description: Bandwidth limit of each task in KB/s; V(-1) for no limit.
    type: int
  copy_by_chunk:
    description: Copy blobs in chunks.
    type: bool
  single_active_replication:
    description: Skip a run while the previous one of this policy is still active.
    type: bool
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_registry
"""

EXAMPLES = r"""
- name: Push release images to the disaster-recovery site every night
  maestro.platform.harbor_replication_policy:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dr-nightly
    destination_registry: dr-site
    dest_namespace: ml-models
    trigger: scheduled
    cron: "0 0 2 * * *"
    filters:
      - {type: name, value: "ml-models/**"}
      - {type: tag, value: "release-*"}
    replicate_deletion: false
    override: true

- name: Replicate on every push
  maestro.platform.harbor_replication_policy:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dr-events
    destination_registry: dr-site
    trigger: event_based
"""

RETURN = r"""
replication_policy:
  description: The policy after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the policy (V(null) when it would be created in check mode).
      type: int
      sample: 4
    name:
      description: Name of the policy.
      type: str
      sample: dr-nightly
    description:
      description: Description.
      type: str
      sample: ""
    source_registry:
      description: Name of the source endpoint, V(null) for this Harbor.
      type: str
      sample: null
    destination_registry:
      description: Name of the destination endpoint, V(null) for this Harbor.
      type: str
      sample: dr-site
    dest_namespace:
      description: Destination namespace.
      type: str
      sample: ml-models
    dest_namespace_replace_count:
      description: Path components replaced by the destination namespace.
      type: int
      sample: -1
    trigger:
      description: V(manual), V(scheduled) or V(event_based).
      type: str
      sample: scheduled
    cron:
      description: Schedule of a scheduled policy, else V(null).
      type: str
      sample: "0 0 2 * * *"
    filters:
      description: Filters, sorted by type.
      type: list
      elements: dict
      sample: [{"type": "name", "value": "ml-models/**", "decoration": "matches"}]
    replicate_deletion:
      description: Whether deletions are replicated.
      type: bool
      sample: false
    override:
      description: Whether existing artifacts are overwritten.
      type: bool
      sample: true
    enabled:
      description: Whether the policy is enabled.
      type: bool
      sample: true
    speed:
      description: Bandwidth limit in KB/s, V(-1) for none.
      type: int
      sample: -1
    copy_by_chunk:
      description: Whether blobs are copied in chunks.
      type: bool
      sample: false
    single_active_replication:
      description: Whether runs wait for the previous one.
      type: bool
      sample: false
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_replication_policy import ReplicationPolicy
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = ReplicationPolicy


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
