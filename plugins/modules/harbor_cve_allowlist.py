#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_cve_allowlist
short_description: Manage Harbor's system CVE allowlist
version_added: 0.1.0
description:
  - Set the system-wide list of vulnerabilities that Harbor ignores when it decides whether a vulnerable
    image may be pulled (projects with C(prevent_vulnerable)), and when that list expires.
  - The list is exact. What O(cves) declares is the whole list, in any order. A malformed or duplicate id fails
    before any request.
  - A project's own allowlist is set with M(maestro.platform.harbor_project) (O(maestro.platform.harbor_project#module:cve_allowlist));
    a project with O(maestro.platform.harbor_project#module:reuse_sys_cve_allowlist=true) uses this system list instead.
  - The connection user must be a Harbor system administrator.
author: Maestro Platform engineers (@maestro-platform)
options:
  cves:
    description:
      - The vulnerability ids of the allowlist, CVE ids (C(CVE-2024-3094)) or GitHub advisory ids
        (C(GHSA-xxxx-xxxx-xxxx)), written the way scanners report them (CVE ids in upper case). Required
        with O(state=present); V([]) empties the list.
    type: list
    elements: str
    aliases: [items]
  expires_at:
    description:
      - When the allowlist stops applying, in seconds since the epoch; V(0) for never. Left out, the current
        expiry is kept.
    type: int
  state:
    description: V(present) makes the list O(cves); V(absent) empties it and removes its expiry (the system list
      itself always exists).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project
"""

EXAMPLES = r"""
- name: Vulnerabilities accepted platform-wide until the end of 2026
  maestro.platform.harbor_cve_allowlist:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    cves:
      - CVE-2023-44487
      - CVE-2024-3094
    expires_at: 1798761600

- name: No system-wide exceptions
  maestro.platform.harbor_cve_allowlist:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    state: absent
"""

RETURN = r"""
cve_allowlist:
  description: The system allowlist after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    cves:
      description: The ids of the list, sorted.
      type: list
      elements: str
      sample: [CVE-2023-44487, CVE-2024-3094]
    expires_at:
      description: Expiry in seconds since the epoch; V(null) when it never expires.
      type: int
      sample: 1798761600
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_cve_allowlist import CveAllowlist
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = CveAllowlist


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
