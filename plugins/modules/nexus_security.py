#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_security
short_description: Manage the active security realms and anonymous access of Nexus Repository 3
version_added: 0.1.0
description:
  - Set which security realms are active, in order, and whether anonymous users may read.
  - Options left unset are not managed.
author: Maestro Platform engineers (@maestro-platform)
options:
  realms:
    description:
      - Ids of the active realms in the order Nexus tries them (order is meaningful), for example
        V([NexusAuthenticatingRealm, DockerToken, NpmToken]).
      - Unknown realms are an error, listing the available ones. Leaving out V(NexusAuthenticatingRealm) is allowed
        but warned about, because local users (admin included) can then no longer sign in.
    type: list
    elements: str
  anonymous_access:
    description: Whether anonymous requests are allowed (with the privileges of O(anonymous_user_id)).
    type: bool
  anonymous_user_id:
    description: The user whose roles anonymous requests get (Nexus's own is V(anonymous)).
    type: str
  anonymous_realm:
    description: The realm of O(anonymous_user_id) (V(NexusAuthorizingRealm) for local users).
    type: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_role
  - module: maestro.platform.nexus_repository
"""

EXAMPLES = r"""
- name: Docker and npm token realms after the local one; anonymous reads allowed
  maestro.platform.nexus_security:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    realms:
      - NexusAuthenticatingRealm
      - DockerToken
      - NpmToken
    anonymous_access: true
"""

RETURN = r"""
security:
  description: The settings after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    realms:
      description: Active realm ids, in order.
      type: list
      elements: str
      sample: [NexusAuthenticatingRealm, DockerToken]
    anonymous_access:
      description: Whether anonymous access is enabled.
      type: bool
    anonymous_user_id:
      description: The anonymous user.
      type: str
      sample: anonymous
    anonymous_realm:
      description: Realm of the anonymous user.
      type: str
      sample: NexusAuthorizingRealm
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_security import Security
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Security


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
