# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every mlflow_* module.
    DOCUMENTATION = r"""
options:
  tracking_uri:
    description:
      - URL of the MLflow tracking server, for example V(https://mlflow.example.com).
      - If not set, the value of the E(MLFLOW_TRACKING_URI) environment variable is used.
      - The REST API is used directly; the C(mlflow) Python package is not needed.
    type: str
    required: true
  username:
    description:
      - User name for HTTP basic authentication (MLflow's basic-auth app or a proxy in front of it).
      - If not set, the value of the E(MLFLOW_TRACKING_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for HTTP basic authentication.
      - If not set, the value of the E(MLFLOW_TRACKING_PASSWORD) environment variable is used.
    type: str
  token:
    description:
      - Bearer token, instead of O(username) and O(password).
      - If not set, the value of the E(MLFLOW_TRACKING_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only turn this off for a throw-away test server.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server certificate.
      - If not set, the value of the E(MLFLOW_TRACKING_SERVER_CERT_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
      - If not set, the value of the E(MLFLOW_HTTP_REQUEST_TIMEOUT) environment variable is used.
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
    description: Use C(group/maestro.platform.mlflow) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - maestro.platform.mlflow
"""
