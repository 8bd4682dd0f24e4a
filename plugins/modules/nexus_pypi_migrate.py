#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_pypi_migrate
short_description: Copy the packages of a PyPI index (pypiserver) into a Nexus pypi-hosted repository
version_added: 0.2.0
description:
  - Reads a PEP 503 simple index (pypiserver, devpi, another Nexus, ...) and uploads every package file
    that the Nexus pypi-hosted repository O(repository) does not hold yet, with its metadata, as C(twine upload)
    sends it (the core metadata of the wheel's C(METADATA) or the sdist's C(PKG-INFO), file type, Python
    version, md5, sha256 and blake2 digests).
  - What is missing is decided by one listing of the repository (C(GET /service/rest/v1/assets)). A file is
    present when Nexus has a file of that name; when both sides know its sha256 and they differ, the file is
    reported in RV(conflicts) with a warning and never overwritten.
  - Idempotent and resumable, so a migration can be run, interrupted and run again; a finished migration
    reports RV(ignore:changed=false). In check mode nothing is downloaded or uploaded and RV(would_upload) lists
    exactly what a real run would upload.
  - Files are held in memory one at a time while they are uploaded.
author: Maestro Platform engineers (@maestro-platform)
options:
  repository:
    description:
      - Name of the Nexus pypi-hosted repository to upload into. It must exist (create it with
        M(maestro.platform.nexus_repository)) and must not be read-only (write policy C(deny)).
    type: str
    required: true
  source_url:
    description:
      - URL of the source's simple index, for example V(http://pypi.example.com:8080/simple/) for pypiserver.
      - Credentials may be written in the URL (V(https://user:password@host/simple/)); they are never shown.
      - Files linked from the index on another host are downloaded without credentials.
    type: str
    required: true
  source_username:
    description: User name for HTTP basic authentication on the source index.
    type: str
  source_password:
    description: Password of O(source_username).
    type: str
  source_validate_certs:
    description: Whether to verify the TLS certificate of the source index.
    type: bool
    default: true
  source_ca_path:
    description: A CA bundle (PEM) that signed the source's certificate.
    type: path
  projects:
    description:
      - Only migrate these projects (names are compared after PEP 503 normalisation). All projects of the
        index when not set. A name the source does not have fails the task before anything is uploaded.
    type: list
    elements: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
attributes:
  check_mode:
    details: Nothing is downloaded or uploaded; RV(would_upload) lists what would be uploaded.
  diff_mode:
    support: none
notes:
  - The Nexus user needs C(nx-repository-view-pypi-<repository>-add) and C(-read) (or C(nx-admin)) and the
    privilege to list the repository's assets (C(nx-repository-view-pypi-<repository>-browse)).
  - GPG signatures (C(.asc) files) are not migrated.
seealso:
  - module: maestro.platform.nexus_repository
  - name: The migration playbook
    description: C(ansible-playbook maestro.platform.migrate_pypiserver_to_nexus) wraps this module.
    link: https://github.com/maestro-platform/maestro.platform/blob/main/docs/migration.md
"""

EXAMPLES = r"""
- name: Migrate every package of the old pypiserver
  maestro.platform.nexus_pypi_migrate:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    repository: pypi-hosted
    source_url: http://old-pypi.example.com:8080/simple/
    source_username: migrate
    source_password: "{{ vault_old_pypi_password }}"
  register: migration

- name: Dry run for two projects only
  maestro.platform.nexus_pypi_migrate:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    repository: pypi-hosted
    source_url: http://old-pypi.example.com:8080/simple/
    projects: [team-utils, team-models]
  check_mode: true
  register: plan
"""

RETURN = r"""
repository:
  description: The destination repository.
  returned: success
  type: str
  sample: pypi-hosted
source_files:
  description: How many package files the source index lists (for the selected projects).
  returned: success
  type: int
  sample: 42
would_upload:
  description: The file names missing on Nexus when the task started (uploaded by this run unless in check mode).
  returned: success
  type: list
  elements: str
  sample: [team_utils-1.2.0-py3-none-any.whl, team-utils-1.2.0.tar.gz]
uploaded:
  description: The file names this run uploaded (empty in check mode).
  returned: success
  type: list
  elements: str
  sample: [team_utils-1.2.0-py3-none-any.whl]
present:
  description: The file names Nexus already held.
  returned: success
  type: list
  elements: str
  sample: [team_utils-1.1.0-py3-none-any.whl]
conflicts:
  description: Files Nexus holds under the same name with another sha256; they are left unchanged.
  returned: success
  type: list
  elements: dict
  sample: [{filename: team-utils-1.0.0.tar.gz, source_sha256: 9f86d0..., destination_sha256: 2c26b4...}]
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_pypi_migrate import PypiMigrate
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = PypiMigrate


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
