#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_task
short_description: Manage scheduled tasks of Nexus Repository 3
version_added: 0.1.0
description:
  - Create, update and delete scheduled tasks (compact a blob store, delete unused Docker manifests or
    components, rebuild a repository's search index ...), and run one now.
  - Nexus generates task ids; this module finds a task by its O(name), which must therefore be unique (two tasks
    of the same name are an error naming their ids).
  - The schedule is checked before anything is sent. Options left unset are not managed.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the task.
    type: str
    required: true
  type:
    description:
      - The task type (its template id), for example V(blobstore.compact), V(repository.docker.gc),
        V(repository.docker.upload-purge), V(repository.purge-unused), V(repository.rebuild-index),
        V(repository.maven.rebuild-metadata). Required to create; a type Nexus does not offer is an error listing
        the ones it does (C(GET /v1/tasks/templates)). Nexus cannot change a task's type.
      - Nexus ships its C(repository.cleanup) task (C(Cleanup service), which applies the cleanup policies) and
        offers no template to create another one.
    type: str
  state:
    description: V(present) creates or updates the task, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: Whether the task runs on its schedule (V(true) when created).
    type: bool
  alert_email:
    description: Where Nexus sends notifications about the task.
    type: str
  notification_condition:
    description: Notify on V(failure) only (when created), or on V(success_failure).
    type: str
    choices: [failure, success_failure]
  properties:
    description:
      - The task type's settings, for example C(blobstoreName) for V(blobstore.compact), C(repositoryName) for
        V(repository.docker.gc) and V(repository.rebuild-index). Values are sent as text (booleans as
        V(true)/V(false)).
      - Nexus merges them into the stored ones, so a property cannot be removed; properties left out are kept.
    type: dict
  schedule:
    description: When the task runs (V(manual) when created without one).
    type: dict
    suboptions:
      type:
        description:
          - V(manual) (only when run), V(once), V(hourly), V(daily), V(weekly), V(monthly) (from O(schedule.start)),
            or V(cron) (O(schedule.cron)).
        type: str
        required: true
        choices: [manual, once, hourly, daily, weekly, monthly, cron]
      start:
        description:
          - The first run, an ISO 8601 date and time with its UTC offset, for example V(2026-01-31T02:00:00+00:00)
            or V(2026-01-31T02:00:00Z). Required for V(once), V(hourly), V(daily), V(weekly) and V(monthly); not
            allowed for V(manual). The offset is sent as the schedule's time zone.
        type: str
      days:
        description:
          - V(weekly), required - days of the week, V(1) (Sunday) to V(7) (Saturday).
          - V(monthly), required - days of the month, V(1) to V(31), or V(999) for the last day.
        type: list
        elements: int
      cron:
        description:
          - V(cron), required - a Quartz cron expression of 6 or 7 fields (seconds minutes hours day-of-month month
            day-of-week [year]) where exactly one of day-of-month and day-of-week is V(?), for example
            V(0 0 2 ? * SUN).
        type: str
  run_now:
    description:
      - Run the task now, after creating or updating it. This is an action, not a state, so it is not idempotent -
        every task with O(run_now=true) reports a change (also in check mode, which does not run it).
      - A disabled task cannot be run.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_cleanup_policy
  - module: maestro.platform.nexus_blobstore
  - name: Nexus tasks
    description: The task types and their settings.
    link: https://help.sonatype.com/en/tasks.html
"""

EXAMPLES = r"""
- name: Compact the S3 blob store every Sunday at 02:00 UTC
  maestro.platform.nexus_task:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: compact-s3-artifacts
    type: blobstore.compact
    properties:
      blobstoreName: s3-artifacts
    schedule:
      type: weekly
      start: "2026-01-04T02:00:00+00:00"
      days: [1]

- name: Delete unused Docker manifests nightly (cron), alerting on failure
  maestro.platform.nexus_task:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: docker-gc
    type: repository.docker.gc
    alert_email: platform@example.com
    properties:
      repositoryName: docker-hosted
    schedule:
      type: cron
      cron: "0 30 3 * * ?"

- name: Rebuild a repository's search index once, now
  maestro.platform.nexus_task:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: rebuild-index-npm
    type: repository.rebuild-index
    properties:
      repositoryName: npm-hosted
    run_now: true
"""

RETURN = r"""
task:
  description: The task after the task run (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    id:
      description: The id Nexus gave the task (V(null) when predicted in check mode before it exists).
      type: str
    name:
      description: Name of the task.
      type: str
      sample: compact-s3-artifacts
    type:
      description: The task type.
      type: str
      sample: blobstore.compact
    enabled:
      description: Whether it runs on its schedule.
      type: bool
    alert_email:
      description: The notification address (V(null) when none).
      type: str
    notification_condition:
      description: V(failure) or V(success_failure).
      type: str
    properties:
      description: The task's settings, as text.
      type: dict
      sample: {"blobstoreName": "s3-artifacts"}
    schedule:
      description: C(type); C(start) in UTC (ISO 8601, V(null) when none); C(days); C(cron).
      type: dict
      sample: {"type": "weekly", "start": "2026-01-04T02:00:00+00:00", "days": [1], "cron": null}
ran:
  description: Present and V(true) when O(run_now) ran the task (or would have, in check mode).
  returned: when O(run_now=true)
  type: bool
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_task import Task
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Task


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
