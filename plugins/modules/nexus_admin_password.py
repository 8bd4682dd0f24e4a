#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_admin_password
short_description: Set the admin password of a freshly started Nexus Repository 3
version_added: 0.1.0
description:
  - On its first start Nexus generates a random admin password and writes it to C(admin.password) in its data
    directory; the file is deleted once the password is changed. This module makes the connection credentials
    (O(username) and O(password)) work - O(password) is the desired password.
  - If O(password) already works, nothing is changed (the task is idempotent). Otherwise the initial password is
    read from O(initial_password) or the file O(initial_password_file) and the password is changed to O(password).
  - Optionally accepts the Community Edition EULA, which Nexus 3.77 and later ask for.
author: Maestro Platform engineers (@maestro-platform)
options:
  initial_password:
    description:
      - The current (generated) password, for example read from the Nexus host with M(ansible.builtin.slurp).
    type: str
  initial_password_file:
    description:
      - Path of C(admin.password), for example V(/nexus-data/admin.password). The file is read where the module
        runs, on the controller by default, on the Nexus host with C(delegate_to) (or use O(initial_password)).
      - A missing file is only an error when O(password) does not work yet.
    type: path
  accept_eula:
    description:
      - Accept the Nexus Community Edition end user license agreement if it is not accepted yet.
      - Setting this means that you have read and agree to the EULA at U(https://links.sonatype.com/products/nxrm/ce-eula).
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
attributes:
  diff_mode:
    details: The diff shows whether the password works and whether the EULA is accepted, never a password.
notes:
  - O(username) and O(password) are required here (they are what the task makes work).
seealso:
  - module: maestro.platform.nexus_user
"""

EXAMPLES = r"""
- name: Read the generated admin password on the Nexus host
  ansible.builtin.slurp:
    src: /opt/nexus/data/admin.password
  register: nexus_initial
  failed_when: false

- name: Set the admin password from the vault and accept the EULA
  maestro.platform.nexus_admin_password:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    initial_password: "{{ (nexus_initial.content | default('') | b64decode) or omit }}"
    accept_eula: true

- name: The same, with the file on the controller (Nexus in a local container with a bind-mounted data dir)
  maestro.platform.nexus_admin_password:
    url: http://127.0.0.1:8081
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    initial_password_file: /srv/nexus-data/admin.password
"""

RETURN = r"""
admin:
  description: The state after the task (predicted in check mode). Never holds a password.
  returned: always
  type: dict
  contains:
    username:
      description: The user whose password was managed.
      type: str
      sample: admin
    password_works:
      description: Whether O(password) works for O(username).
      type: bool
      sample: true
    eula_accepted:
      description: Whether the EULA is accepted.
      type: bool
      returned: with O(accept_eula=true)
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_admin_password import AdminPassword
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = AdminPassword


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
