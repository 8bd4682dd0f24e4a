#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_robot_account
short_description: Manage Harbor robot accounts without secret churn
version_added: 0.1.0
description:
  - Create, update and delete system-level and project-level robot accounts.
  - Running the task again changes nothing; changing O(permissions), O(description), O(duration) or
    O(disabled) updates the robot in place and keeps its secret.
  - The secret Harbor generates is returned only when the robot is created or the secret is regenerated
    (O(regenerate_secret=true)); Harbor never shows it again. Register the result to store it.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description:
      - Short name of the robot account, without Harbor's prefix. Harbor stores it as
        C(robot$<project>+<name>) for a project robot and C(robot$<name>) for a system robot.
      - Same naming rule as projects (lower-case letters, digits and single V(.), V(_) or V(-) separators).
    type: str
    required: true
  level:
    description: V(project) for a robot of one project (O(project)), V(system) for a robot across projects.
    type: str
    choices: [system, project]
    default: project
  project:
    description: Project of a project-level robot. Required with O(level=project).
    type: str
  description:
    description: Description of the robot account.
    type: str
  duration:
    description:
      - Days the robot account is valid from its creation; V(-1) never expires.
      - A new robot without O(duration) gets the server's robot token expiry (its C(robot_token_duration) setting,
        30 days unless changed, see M(maestro.platform.harbor_config)), as robots created in Harbor's UI do.
        Harbor's API takes no robot without a duration, so the module reads the setting from C(/configurations);
        a connection user that may not read it (not a system administrator) must set O(duration).
      - An existing robot keeps its duration unless O(duration) is given.
    type: int
  disabled:
    description: Disable the robot account (its secret stops working) without deleting it.
    type: bool
  permissions:
    description:
      - What the robot may do. Required to create a robot; when given, the list replaces the robot's permissions.
      - A project-level robot has exactly one entry, on its own project (O(permissions[].namespace) may be
        omitted); an entry on another project is refused.
    type: list
    elements: dict
    suboptions:
      kind:
        description: V(project) for permissions on a project, V(system) for system-wide resources.
        type: str
        choices: [project, system]
        default: project
      namespace:
        description:
          - Project name for O(permissions[].kind=project), or V(*) for all projects (system robots only).
          - For O(permissions[].kind=system) it defaults to V(/).
        type: str
      access:
        description: "Resources and actions, for example V({resource: repository, action: pull})."
        type: list
        elements: dict
        required: true
        suboptions:
          resource:
            description:
              - A resource Harbor grants to robot accounts (Harbor 2.15's list; there is no wildcard).
              - "With O(permissions[].kind=project): V(accessory), V(artifact), V(artifact-addition),
                V(artifact-label), V(export-cve), V(immutable-tag), V(label), V(log), V(member), V(metadata),
                V(notification-policy), V(preheat-policy), V(project), V(quota), V(repository), V(robot), V(sbom),
                V(scan), V(scanner), V(tag), V(tag-retention)."
              - "With O(permissions[].kind=system): V(audit-log), V(catalog), V(garbage-collection),
                V(jobservice-monitor), V(label), V(ldap-user), V(preheat-instance), V(project), V(purge-audit),
                V(quota), V(registry), V(replication), V(replication-adapter), V(replication-policy), V(robot),
                V(scan-all), V(scanner), V(security-hub), V(system-volumes), V(user), V(user-group)."
              - Any other resource is refused before anything is sent, with the list of allowed ones.
            type: str
            required: true
          action:
            description:
              - An action Harbor grants on that resource, such as V(pull) and V(push) on V(repository), or
                V(create), V(read), V(update), V(delete), V(list), V(stop) where Harbor allows them.
              - An action Harbor does not grant on the resource is refused before anything is sent, with the
                actions it allows.
            type: str
            required: true
          effect:
            description: V(allow) or V(deny).
            type: str
            choices: [allow, deny]
            default: allow
  secret:
    description:
      - A secret of your own instead of one generated by Harbor (8 to 128 characters with upper-case,
        lower-case letters and digits). Used on create, and on every run with O(update_secret=always).
      - Harbor ignores a secret sent with the create and generates one, so the module creates the robot and then
        sets this secret (Harbor's secret refresh call). Should setting it fail, the new robot is deleted again
        and the task fails, so no robot is left with a secret nobody knows.
    type: str
  update_secret:
    description:
      - V(on_create) sets O(secret) only when the robot is created. Harbor never shows a secret, so it cannot
        be compared.
      - V(always) sets it on every run (the task then always reports a change).
    type: str
    choices: [on_create, always]
    default: on_create
  regenerate_secret:
    description:
      - Let Harbor generate a new secret, returned in RV(secret). The old secret stops working.
      - Reports a change on every run, so use it in a task that runs on demand.
    type: bool
    default: false
  name_prefix:
    description:
      - Harbor's robot name prefix. By default it is read from the server (its C(robot_name_prefix) setting in
        C(/configurations)); a connection user that may not read the configuration (not a system administrator)
        gets Harbor's default V(robot$) and must set this when the server uses another prefix.
    type: str
  state:
    description: V(present) creates or updates the robot account; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
notes:
  - When a result carries a generated secret, the whole result is shown as censored by Ansible (as with
    C(no_log)); the registered variable still holds it.
seealso:
  - module: maestro.platform.harbor_robot_account_info
"""

EXAMPLES = r"""
- name: A CI robot that can push to and pull from one project
  maestro.platform.harbor_robot_account:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ci
    level: project
    project: ml-models
    description: CI pipeline
    permissions:
      - access:
          - {resource: repository, action: push}
          - {resource: repository, action: pull}
  register: ci_robot

- name: Store the secret (only present when the robot was created)
  ansible.builtin.copy:
    content: "{{ ci_robot.secret }}"
    dest: /etc/ci/harbor-robot-secret
    mode: "0600"
  when: ci_robot.secret is defined
  no_log: true

- name: A system robot that pulls from every project, with a secret from the vault
  maestro.platform.harbor_robot_account:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: puller
    level: system
    secret: "{{ vault_puller_secret }}"
    permissions:
      - namespace: "*"
        access:
          - {resource: repository, action: pull}
"""

RETURN = r"""
robot_account:
  description: The robot account after the task (predicted in check mode), without secret. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's id of the robot (V(null) when it would be created in check mode).
      type: int
      sample: 3
    name:
      description: Short name of the robot.
      type: str
      sample: ci
    full_name:
      description: Name Harbor uses for logins.
      type: str
      sample: robot$ml-models+ci
    level:
      description: V(project) or V(system).
      type: str
      sample: project
    project:
      description: Project of a project-level robot.
      type: str
      sample: ml-models
    description:
      description: Description.
      type: str
      sample: CI pipeline
    duration:
      description: Validity in days, V(-1) for never expiring.
      type: int
      sample: -1
    disabled:
      description: Whether the robot is disabled.
      type: bool
      sample: false
    expires_at:
      description: Expiry in seconds since the epoch (V(-1) never).
      type: int
      sample: -1
    editable:
      description: Whether Harbor allows editing the robot.
      type: bool
      sample: true
    permissions:
      description: Permissions, sorted.
      type: list
      elements: dict
      sample: [{"kind": "project", "namespace": "ml-models",
                "access": [{"resource": "repository", "action": "pull", "effect": "allow"}]}]
    creation_time:
      description: When the robot was created.
      type: str
      sample: "2026-11-26T10:00:00.000Z"
secret:
  description:
    - "B(Secret): the robot's password, as Harbor generated it when the robot was created without O(secret), or
      with O(regenerate_secret=true)."
    - Harbor never returns it again, so store it from the registered result (in a vault, a Kubernetes secret ...).
    - Whenever it is returned, the task's output is censored as with C(no_log) (the registered variable keeps it).
  returned: when Harbor generated a secret in this run
  type: str
  sample: Xy7...redacted
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_account import RobotAccount
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RobotAccount


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
