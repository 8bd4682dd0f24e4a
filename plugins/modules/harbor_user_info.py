#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_user_info
short_description: Read local Harbor users
version_added: 0.1.0
description:
  - List the users of a Harbor server (every page), or read one by name. Passwords are never returned (Harbor
    does not show them).
  - The built-in C(admin) user is not listed (Harbor leaves it out of its user list).
  - The connection user must be a Harbor system administrator.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: User name of the one user to return (exact match).
    type: str
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.harbor_user
"""

EXAMPLES = r"""
- name: Is alice there?
  maestro.platform.harbor_user_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: alice
  register: found
"""

RETURN = r"""
users:
  description:
    - The users found, in the shape of the RV(maestro.platform.harbor_user#module:user) result of
      M(maestro.platform.harbor_user), without passwords. Empty when O(name) does not exist.
  returned: always
  type: list
  elements: dict
  sample: [{"id": 3, "name": "alice", "email": "alice@example.com", "realname": "Alice Example", "comment": "",
            "admin": false}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_user import UserInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = UserInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
