#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_cleanup_policy
short_description: Manage cleanup policies of Nexus Repository 3
version_added: 0.1.0
description:
  - Create, update and delete cleanup policies, which repositories name in
    O(maestro.platform.nexus_repository#module:cleanup_policies). Nexus's built-in C(repository.cleanup) task
    (C(Cleanup service), daily) deletes what the policies select; see M(maestro.platform.nexus_task).
  - Works with Nexus Community/OSS, through the cleanup policy API Nexus's own UI uses
    (C(/service/rest/internal/cleanup-policies)); the public C(/v1/cleanup-policies) API of newer versions is
    Nexus Pro only.
  - Options left unset are not managed; O(criteria), when given, is the whole set of criteria.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the policy (letters, digits, C(-), C(_) and C(.); it cannot be renamed).
    type: str
    required: true
  state:
    description: V(present) creates or updates the policy, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  format:
    description:
      - The repository format the policy applies to (V(maven), V(npm), V(pypi), V(docker), V(raw) ...), or V(all).
        Required to create. Nexus refuses to change the format of a policy that repositories use.
    type: str
  notes:
    description: Notes about the policy.
    type: str
  criteria:
    description:
      - What the policy selects for deletion; components must match every criterion given. At least one of
        O(criteria.last_blob_updated), O(criteria.last_downloaded) or O(criteria.asset_regex). Required to create.
      - When given, these are all the policy's criteria (a criterion left out is removed).
      - Nexus accepts a criterion only for the formats that support it (for example O(criteria.release_type) for
        maven, npm and yum; O(criteria.retain) for docker and maven; no O(criteria.asset_regex) for V(all)) and
        says so when it refuses.
    type: dict
    suboptions:
      last_blob_updated:
        description: Components published or updated more than this many days ago.
        type: int
      last_downloaded:
        description: Components not downloaded for more than this many days.
        type: int
      release_type:
        description: Only release or only pre-release (snapshot) versions.
        type: str
        choices: [releases, prereleases]
      asset_regex:
        description: Assets whose path matches this regular expression.
        type: str
      retain:
        description: Keep this many of the newest versions of each component.
        type: int
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_repository
  - module: maestro.platform.nexus_task
  - name: Nexus cleanup policies
    description: Criteria and the built-in cleanup task that applies the policies.
    link: https://help.sonatype.com/en/cleanup-policies.html
"""

EXAMPLES = r"""
- name: Proxy caches keep what was downloaded in the last 90 days
  maestro.platform.nexus_cleanup_policy:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: stale-proxy-cache
    format: all
    notes: Managed by Ansible
    criteria:
      last_downloaded: 90

- name: Maven snapshots older than two weeks
  maestro.platform.nexus_cleanup_policy:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: old-snapshots
    format: maven
    criteria:
      last_blob_updated: 14
      release_type: prereleases
"""

RETURN = r"""
cleanup_policy:
  description: The policy after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the policy.
      type: str
      sample: stale-proxy-cache
    format:
      description: The format (V(all) for every format; V(maven) for Nexus's C(maven2)).
      type: str
      sample: all
    notes:
      description: Notes (empty when none).
      type: str
    criteria:
      description: The criteria that are set (days as numbers, O(criteria.release_type) in lower case).
      type: dict
      sample: {"last_downloaded": 90}
    in_use_count:
      description: How many repositories use the policy.
      type: int
      sample: 3
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_cleanup_policy import CleanupPolicy
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = CleanupPolicy


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
