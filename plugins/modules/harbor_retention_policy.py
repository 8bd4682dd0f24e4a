#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_retention_policy
short_description: Manage the tag retention policy of a Harbor project
version_added: 0.1.0
description:
  - Set the tag retention rules of a Harbor project and when they run. A project has at most one retention
    policy; artifacts that no rule retains are deleted when the policy runs.
author: Maestro Platform engineers (@maestro-platform)
options:
  project:
    description: Name of the project.
    type: str
    required: true
  state:
    description: V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  schedule:
    description:
      - When the policy runs, as Harbor's six-field cron with seconds first (V(0 0 0 * * *) is every midnight).
      - Harbor takes V(0) only in the seconds field and V(0) to V(6) in the day-of-week field.
      - An empty string removes the schedule (the policy then only runs when started by hand).
    type: str
  rules:
    description:
      - Retention rules, at most 15. An artifact is kept when any rule retains it. Required to create; when given,
        the list replaces the policy's rules.
    type: list
    elements: dict
    suboptions:
      retain:
        description:
          - V(latest_pushed) keeps the O(rules[].count) most recently pushed artifacts, V(latest_pulled) the most
            recently pulled; V(pushed_within_days) keeps artifacts pushed in the last O(rules[].count) days,
            V(pulled_within_days) those pulled in that time; V(always) keeps everything selected.
          - Harbor's templates latestPushedK, latestPulledN, nDaysSinceLastPush, nDaysSinceLastPull and always.
        type: str
        required: true
        choices: [latest_pushed, latest_pulled, pushed_within_days, pulled_within_days, always]
      count:
        description: Number of artifacts, or of days for the C(*_within_days) rules. Not used with V(always).
        type: int
        aliases: [days]
      untagged:
        description: Whether the rule also applies to untagged artifacts.
        type: bool
        default: true
      disabled:
        description: Keep the rule but do not apply it.
        type: bool
        default: false
      repositories:
        description: Repository pattern (doublestar), for example V(**) or V(team-a/**).
        type: str
        default: '**'
      repositories_decoration:
        description: V(matches) applies the rule to the repositories the pattern selects; V(excludes) to all others.
        type: str
        choices: [matches, excludes]
        default: matches
      tags:
        description: Tag pattern (doublestar), for example V(**) or V(release-*).
        type: str
        default: '**'
      tags_decoration:
        description: V(matches) applies the rule to the tags the pattern selects; V(excludes) to all others.
        type: str
        choices: [matches, excludes]
        default: matches
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_immutable_rule
"""

EXAMPLES = r"""
- name: Keep the 10 latest images of every repository, and all releases; run nightly
  maestro.platform.harbor_retention_policy:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: ml-models
    schedule: "0 0 0 * * *"
    rules:
      - retain: latest_pushed
        count: 10
      - retain: always
        tags: "release-*"
        untagged: false
"""

RETURN = r"""
retention_policy:
  description: The policy after the task (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the policy (V(null) when it would be created in check mode).
      type: int
      sample: 5
    project:
      description: Name of the project.
      type: str
      sample: ml-models
    schedule:
      description: Cron schedule, or V(null) when the policy only runs by hand.
      type: str
      sample: "0 0 0 * * *"
    rules:
      description: Rules in priority order, in the shape of O(rules).
      type: list
      elements: dict
      sample: [{"retain": "latest_pushed", "count": 10, "untagged": true, "disabled": false, "repositories": "**",
                "repositories_decoration": "matches", "tags": "**", "tags_decoration": "matches"}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_retention_policy import RetentionPolicy
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RetentionPolicy


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
