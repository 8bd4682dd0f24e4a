#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_repository_info
short_description: Read Nexus Repository 3 repositories
version_added: 0.1.0
description:
  - Look up one repository by name, or list the full settings of all repositories, optionally filtered by format
    and type.
  - Never changes anything, so it is safe in check mode.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description:
      - Name of one repository. Without it, all repositories are listed (one request).
    type: str
  format:
    description: Only return repositories of this format.
    type: str
    choices: [pypi, npm, maven, docker, raw, go, helm, gitlfs, cocoapods, p2, huggingface, conda, apt, yum]
  type:
    description: Only return repositories of this type.
    type: str
    choices: [proxy, hosted, group]
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes.info
seealso:
  - module: maestro.platform.nexus_repository
"""

EXAMPLES = r"""
- name: Look up one repository
  maestro.platform.nexus_repository_info:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: pypi-group
  register: result

- name: List every docker repository
  maestro.platform.nexus_repository_info:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    format: docker
  register: result
"""

RETURN = r"""
repositories:
  description:
    - The repositories found (an empty list when none matches), with the keys that
      M(maestro.platform.nexus_repository) returns for each type.
  returned: always
  type: list
  elements: dict
  sample:
    - name: pypi-hosted
      format: pypi
      type: hosted
      url: https://nexus.example.com/repository/pypi-hosted
      online: true
      blob_store: default
      strict_content_type_validation: true
      write_policy: allow_once
      cleanup_policies: []
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_info import RepositoryInfo
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = RepositoryInfo


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
