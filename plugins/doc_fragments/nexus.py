# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every nexus_* module.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of Nexus Repository, for example V(https://nexus.example.com) (with its context path if it has
        one). The REST API under C(/service/rest) is used; Groovy scripts are not.
      - If not set, the value of the E(NEXUS_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - User name for HTTP basic authentication, usually an administrator.
      - If not set, the value of the E(NEXUS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(NEXUS_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only turn this off for a throw-away test server.
      - If not set, the value of the E(NEXUS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server certificate.
      - If not set, the value of the E(NEXUS_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
      - If not set, the value of the E(NEXUS_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - Requests that are safe to repeat are retried with jittered exponential backoff on connection errors and
    HTTP 429, 502, 503 and 504, honouring C(Retry-After).
  - When the task runs on the controller (connection C(local)), the module's logic runs in-process through
    the collection's action plugin, which reuses one HTTP connection across loop items. Set the variable
    C(maestro_platform_execution=module) to always run it as an ordinary module.
"""

    ACTIONGROUPS = r"""
attributes:
  action_group:
    description: Use C(group/maestro.platform.nexus) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - maestro.platform.nexus
"""
