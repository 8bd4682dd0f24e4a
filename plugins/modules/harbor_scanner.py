#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_scanner
short_description: Manage Harbor scanner registrations and the default scanner
version_added: 0.1.0
description:
  - Register, update and remove the vulnerability scanner adapters Harbor scans artifacts with, and choose
    the system default scanner (O(default=true)).
  - Trivy is the platform's scanner. Harbor's installer (C(trivy) in C(harbor.yml), C(trivy.enabled) in the
    Helm chart) registers it under the reserved name C(Trivy) and keeps that registration immutable. With
    O(name=Trivy) this module manages the existing registration, never re-creates it, and can only make it
    the default. Any other setting for it, or O(state=absent), fails before anything is written.
  - Harbor checks that it can reach a new adapter before registering it.
  - The credential is never returned and cannot be read back, so it is never compared (see
    O(update_credential)).
  - The connection user must be a Harbor system administrator.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the registration (1 to 128 characters, unique).
    type: str
    required: true
  adapter_url:
    description: Base URL of the scanner adapter (http or https, unique), e.g. C(http://trivy-adapter:8080).
      Required to register a scanner.
    type: str
  description:
    description: Description of the registration.
    type: str
  auth:
    description: How Harbor authenticates to the adapter. V(none) sends nothing; V(basic), V(bearer) and
      V(api_key) (the C(X-ScannerAdapter-API-Key) header) send O(access_credential).
    type: str
    choices: [none, basic, bearer, api_key]
  access_credential:
    description:
      - Credential for O(auth), e.g. C(user:password) for V(basic) or the token for V(bearer). Required when
        a scanner is registered with an O(auth) or its O(auth) changes.
      - Write-only; see O(update_credential).
    type: str
  update_credential:
    description:
      - V(on_create) sends O(access_credential) when the scanner is registered or its O(auth) changes; Harbor
        keeps the stored credential otherwise.
      - V(always) also sends it on every run (the task then always reports a change).
    type: str
    choices: [on_create, always]
    default: on_create
  skip_cert_verify:
    description: Whether Harbor skips verifying the adapter's TLS certificate. New registrations verify it.
    type: bool
  use_internal_addr:
    description: Whether the adapter pulls artifacts through Harbor's internal registry address.
    type: bool
  disabled:
    description: Whether the registration is disabled. Harbor cannot disable the default scanner.
    type: bool
  default:
    description:
      - V(true) makes this registration the system default scanner (the one projects scan with). Harbor makes
        the first registration the default by itself.
      - Harbor has no way to unset the default. V(false) for the current default fails; make another one the
        default instead.
    type: bool
  state:
    description: V(present) registers or updates the scanner; V(absent) removes the registration.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project
  - module: maestro.platform.harbor_schedule
"""

EXAMPLES = r"""
- name: Trivy, registered by Harbor's installer, is the default scanner
  maestro.platform.harbor_scanner:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: Trivy
    default: true

- name: A second scanner adapter behind a bearer token
  maestro.platform.harbor_scanner:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: grype
    adapter_url: https://grype-adapter.example.com
    auth: bearer
    access_credential: "{{ vault_grype_token }}"
"""

RETURN = r"""
scanner:
  description: The registration after the task (predicted in check mode); never the credential. Empty when
    absent.
  returned: always
  type: dict
  contains:
    id:
      description: Harbor's registration UUID (V(null) when it would be created in check mode).
      type: str
      sample: 4b6e0d1c-5f6e-11ef-9f5b-0242ac120006
    name:
      description: Name of the registration.
      type: str
      sample: Trivy
    url:
      description: Base URL of the adapter as Harbor stores it (no trailing slash).
      type: str
      sample: http://trivy-adapter:8080
    description:
      description: Description.
      type: str
      sample: The Trivy scanner adapter
    auth:
      description: V(none), V(basic), V(bearer) or V(api_key).
      type: str
      sample: none
    skip_cert_verify:
      description: Whether the adapter's certificate is not verified.
      type: bool
      sample: false
    use_internal_addr:
      description: Whether the adapter pulls through Harbor's internal address.
      type: bool
      sample: true
    disabled:
      description: Whether the registration is disabled.
      type: bool
      sample: false
    default:
      description: Whether it is the system default scanner.
      type: bool
      sample: true
    adapter:
      description: Scanner name the adapter reports (when Harbor could reach it).
      type: str
      sample: Trivy
    vendor:
      description: Vendor the adapter reports.
      type: str
      sample: Aqua Security
    version:
      description: Version the adapter reports.
      type: str
      sample: v0.69.1
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_scanner import Scanner
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Scanner


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
