# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every harbor_* module.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - URL of the Harbor server, for example V(https://harbor.example.com).
      - The API path C(/api/v2.0) is appended unless the URL already ends with it.
      - If not set, the value of the E(HARBOR_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - User name for HTTP basic authentication, usually a Harbor administrator or a system robot account
        (C(robot$name)).
      - If not set, the value of the E(HARBOR_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password (or robot secret) for HTTP basic authentication.
      - If not set, the value of the E(HARBOR_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only turn this off for a throw-away test server.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the Harbor server certificate.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: int
    default: 30
notes:
  - Checked against the Harbor v2.15 API description (Harbor REST API v2.0, C(swagger.yaml) of Harbor v2.15.2).
  - Requests that are safe to repeat are retried with jittered exponential backoff on connection errors and
    HTTP 429, 502, 503 and 504, honouring C(Retry-After). A failure shows Harbor's own message and its
    C(X-Request-Id), which Harbor's logs carry too.
  - When the task runs on the controller (connection C(local)), the module's logic runs in-process through
    the collection's action plugin, which reuses one HTTP connection across loop items. Set the variable
    C(maestro_platform_execution=module) to always run it as an ordinary module.
"""

    ACTIONGROUPS = r"""
attributes:
  action_group:
    description: Use C(group/maestro.platform.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - maestro.platform.harbor
"""
