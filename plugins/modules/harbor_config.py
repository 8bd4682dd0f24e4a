#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_config
short_description: Manage Harbor's system configuration
version_added: 0.1.0
description:
  - Set Harbor system settings such as the authentication mode, LDAP and OIDC settings, self-registration,
    project creation restriction and robot token expiry.
  - Only the keys given in O(config) are managed; every other setting keeps its value.
  - Keys and value types are checked against the Harbor v2.15 API description before any request.
author: Maestro Platform engineers (@maestro-platform)
options:
  config:
    description:
      - Settings as Harbor names them, for example V(auth_mode), V(oidc_endpoint), V(self_registration),
        V(robot_token_duration), V(project_creation_restriction), V(ldap_url).
      - Booleans and numbers may be given as such or as strings.
      - Harbor refuses to change some settings in some states (V(auth_mode) once users exist); the module names
        the setting and fails before writing anything.
      - The write-only secrets go in O(secrets), not here.
    type: dict
    default: {}
    aliases: [settings]
  secrets:
    description:
      - Harbor's write-only settings V(ldap_search_password), V(oidc_client_secret) and V(uaa_client_secret).
      - They cannot be read back, so they are never compared; see O(update_secret). Ansible keeps their values
        out of its output and logs.
    type: dict
  update_secret:
    description:
      - V(on_change) sends the O(secrets) together with any other change this task makes (for example
        when LDAP or OIDC is first configured), and does not report a change for them alone.
      - V(always) sends them on every run (the task then always reports a change); use it to rotate a secret.
    type: str
    choices: [on_change, always]
    default: on_change
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
notes:
  - The module has no C(state) option, because the configuration always exists.
"""

EXAMPLES = r"""
- name: Log in through OIDC, only admins create projects
  maestro.platform.harbor_config:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    config:
      auth_mode: oidc_auth
      oidc_name: Keycloak
      oidc_endpoint: https://sso.example.com/realms/platform
      oidc_client_id: harbor
      oidc_scope: openid,profile,email,offline_access
      oidc_auto_onboard: true
      project_creation_restriction: adminonly
      self_registration: false
      robot_token_duration: 90
    secrets:
      oidc_client_secret: "{{ vault_harbor_oidc_secret }}"
"""

RETURN = r"""
config:
  description: All readable settings after the task (predicted in check mode), as flat values. Secrets are left out.
  returned: always
  type: dict
  sample: {"auth_mode": "oidc_auth", "self_registration": false, "robot_token_duration": 90}
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_config import Configuration
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Configuration


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
