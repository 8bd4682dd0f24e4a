#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_schedule
short_description: Manage Harbor's garbage collection, scan-all and audit-log purge schedules
version_added: 0.1.0
description:
  - Set or remove the schedule of one of Harbor's system jobs, with its parameters.
author: Maestro Platform engineers (@maestro-platform)
options:
  job:
    description: V(gc) (garbage collection), V(scan_all) (scan every artifact) or V(purge_audit) (purge old audit logs).
    type: str
    required: true
    choices: [gc, scan_all, purge_audit]
  state:
    description: V(present) sets the schedule; V(absent) removes it (Harbor's schedule type None).
    type: str
    choices: [present, absent]
    default: present
  cron:
    description:
      - When the job runs, as Harbor's six-field cron with seconds first (V(0 0 2 * * 6) is Saturdays at 02:00),
        or one of V(hourly), V(daily), V(weekly). Required with O(state=present).
      - Harbor takes V(0) only in the seconds field and V(0) to V(6) in the day-of-week field.
    type: str
  delete_untagged:
    description: With O(job=gc), also delete untagged artifacts. New schedules do not.
    type: bool
  workers:
    description:
      - With O(job=gc), number of parallel workers, 1 to 10 (Harbor 2.13 and later; older Harbor refuses more
        than 5). New schedules use 1.
    type: int
  retention_hours:
    description: With O(job=purge_audit), keep audit logs for this many hours. New schedules keep 168 (a week).
    type: int
    aliases: [audit_retention_hour]
  include_event_types:
    description:
      - With O(job=purge_audit), the audit log event types to purge, for example V(create_artifact),
        V(delete_artifact), V(pull_artifact). New schedules purge those three.
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
"""

EXAMPLES = r"""
- name: Garbage collection every Saturday at 02:00, deleting untagged artifacts
  maestro.platform.harbor_schedule:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    job: gc
    cron: "0 0 2 * * 6"
    delete_untagged: true
    workers: 2

- name: Scan everything daily
  maestro.platform.harbor_schedule:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    job: scan_all
    cron: daily
"""

RETURN = r"""
schedule:
  description: The schedule after the task (predicted in check mode). Empty when there is none.
  returned: always
  type: dict
  contains:
    job:
      description: The job.
      type: str
      sample: gc
    type:
      description: Harbor's schedule type (V(Hourly), V(Daily), V(Weekly) or V(Custom)).
      type: str
      sample: Custom
    cron:
      description: Six-field cron.
      type: str
      sample: "0 0 2 * * 6"
    next_scheduled_time:
      description: When the job runs next, if Harbor says.
      type: str
      sample: "2026-11-28T02:00:00Z"
    delete_untagged:
      description: With O(job=gc), whether untagged artifacts are deleted.
      type: bool
      returned: when O(job=gc)
      sample: true
    workers:
      description: With O(job=gc), the number of workers.
      type: int
      returned: when O(job=gc)
      sample: 2
    retention_hours:
      description: With O(job=purge_audit), hours of audit log kept.
      type: int
      returned: when O(job=purge_audit)
      sample: 168
    include_event_types:
      description: With O(job=purge_audit), event types purged.
      type: list
      elements: str
      returned: when O(job=purge_audit)
      sample: ["create_artifact", "delete_artifact", "pull_artifact"]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_schedule import Schedule
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Schedule


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
