#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: harbor_project
short_description: Manage Harbor projects, their security settings, quota and proxy cache
version_added: 0.1.0
description:
  - Create, update and delete projects on a Harbor registry through its REST API v2.0.
  - Project settings are booleans here; the module converts them to the strings Harbor stores.
  - The storage quota is set through Harbor's quota API, in bytes or with a size such as V(50G).
  - A project can be a pull-through (proxy) cache of a registry endpoint made with
    M(maestro.platform.harbor_registry).
  - Options left unset are not managed; a project created without them gets Harbor's defaults.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description:
      - Name of the project.
      - "Harbor's rule: lower-case letters and digits, optionally separated by single V(.), V(_) or V(-),
        starting and ending with a letter or digit, at most 255 characters."
    type: str
    required: true
    aliases: [project_name]
  state:
    description:
      - V(present) creates or updates the project.
      - V(absent) deletes it. A project that still holds repositories is only deleted with O(purge=true).
    type: str
    choices: [present, absent]
    default: present
  public:
    description: Anyone may pull from a public project. New projects are private.
    type: bool
  auto_scan:
    description: Scan images for vulnerabilities when they are pushed.
    type: bool
  severity:
    description:
      - With O(prevent_vulnerable=true), images with vulnerabilities of this severity or higher cannot be pulled.
    type: str
    choices: [none, low, medium, high, critical]
  prevent_vulnerable:
    description: Prevent vulnerable images (see O(severity)) from being pulled.
    type: bool
    aliases: [prevent_vul]
  reuse_sys_cve_allowlist:
    description: Use the system-wide CVE allowlist instead of O(cve_allowlist).
    type: bool
  content_trust:
    description:
      - Only allow pulling images that carry a Notation signature (Harbor's C(enable_content_trust)).
      - Harbor 2.9 removed Notary (Docker Content Trust); since then Harbor's content trust check on pull looks for a
        Notation signature accessory, not a Notary one (src/server/middleware/contenttrust in Harbor 2.15).
    type: bool
  content_trust_cosign:
    description:
      - Only allow pulling images signed with cosign (Harbor's C(enable_content_trust_cosign)); the platform's
        signature enforcement. An unsigned image's pull fails with C(The image is not signed by cosign.)
    type: bool
  auto_sbom_generation:
    description: Generate an SBOM for each artifact when it is pushed.
    type: bool
  cve_allowlist:
    description:
      - CVE ids (such as V(CVE-2023-12345)) ignored by O(prevent_vulnerable) in this project.
      - The list replaces the project's allowlist; V([]) empties it.
    type: list
    elements: str
  cve_allowlist_expires_at:
    description: When the project's CVE allowlist expires, in seconds since the epoch.
    type: int
  storage_quota:
    description:
      - Maximum storage of the project, as a number of bytes, a size such as V(50Gi), V(500Mi) or V(1.5T),
        or V(-1) for no limit.
      - Units as in Kubernetes, V(k), V(M), V(G), V(T), V(P) are powers of 1000 (V(50G) = 50 * 10^9 bytes),
        V(Ki), V(Mi), V(Gi), V(Ti), V(Pi) powers of 1024 (V(50Gi) = 50 * 2^30 bytes); a trailing V(B) changes
        nothing (V(GB) = V(G), V(GiB) = V(Gi)). The result must be a whole number of bytes.
    type: raw
  proxy_cache:
    description:
      - Make the project a pull-through cache of a registry endpoint. Only possible when the project is created.
    type: dict
    suboptions:
      registry:
        description: Name of the registry endpoint (M(maestro.platform.harbor_registry)) to cache.
        type: str
        required: true
      speed_kb:
        description: Bandwidth limit towards the upstream registry in Kbps; V(-1) for no limit.
        type: int
        default: -1
  purge:
    description:
      - With O(state=absent), delete the project's repositories (and all their artifacts) first.
      - Without it, deleting a project that still holds repositories fails and changes nothing.
    type: bool
    default: false
extends_documentation_fragment:
  - maestro.platform.harbor
  - maestro.platform.harbor.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.harbor_project_info
  - module: maestro.platform.harbor_project_member
  - name: Harbor API v2.0
    description: The REST API this module uses (Harbor v2.15).
    link: https://goharbor.io/docs/main/working-with-projects/using-api-explorer/
"""

EXAMPLES = r"""
- name: Create a private project with scanning and a 50 GiB quota
  maestro.platform.harbor_project:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ml-models
    auto_scan: true
    prevent_vulnerable: true
    severity: high
    storage_quota: 50G

- name: Converge many projects quickly (one connection for the whole loop)
  maestro.platform.harbor_project:
    name: "{{ item }}"
    public: false
  loop: "{{ platform_projects }}"
  module_defaults:
    group/maestro.platform.harbor:
      url: "{{ harbor_url }}"
      username: "{{ harbor_admin_user }}"
      password: "{{ vault_harbor_admin_password }}"

- name: Pull-through cache of Docker Hub
  maestro.platform.harbor_project:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dockerhub-cache
    public: true
    proxy_cache:
      registry: docker-hub
      speed_kb: -1

- name: Delete a project together with its repositories
  maestro.platform.harbor_project:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: old-project
    state: absent
    purge: true
"""

RETURN = r"""
project:
  description: The project after the task (predicted in check mode). Empty when it does not exist.
  returned: always
  type: dict
  contains:
    project_id:
      description: Harbor's id of the project (V(null) when it would be created in check mode).
      type: int
      sample: 12
    name:
      description: Name of the project.
      type: str
      sample: ml-models
    owner_name:
      description: The user who created the project.
      type: str
      sample: admin
    public:
      description: Whether the project is public.
      type: bool
      sample: false
    auto_scan:
      description: Whether images are scanned on push.
      type: bool
      sample: true
    severity:
      description: Severity threshold of O(prevent_vulnerable), or V(null) when not set.
      type: str
      sample: high
    prevent_vulnerable:
      description: Whether vulnerable images are blocked.
      type: bool
      sample: true
    reuse_sys_cve_allowlist:
      description: Whether the system CVE allowlist applies.
      type: bool
      sample: false
    content_trust:
      description: Whether only Notation-signed images may be pulled.
      type: bool
      sample: false
    content_trust_cosign:
      description: Whether only cosign-signed images may be pulled.
      type: bool
      sample: false
    auto_sbom_generation:
      description: Whether SBOMs are generated on push.
      type: bool
      sample: false
    cve_allowlist:
      description: CVE ids of the project's allowlist, sorted.
      type: list
      elements: str
      sample: ["CVE-2023-12345"]
    cve_allowlist_expires_at:
      description: Expiry of the allowlist in seconds since the epoch, or V(null).
      type: int
      sample: null
    storage_quota:
      description: Storage limit in bytes, V(-1) for none.
      type: int
      sample: 53687091200
    proxy_cache:
      description: For a proxy cache project, the cached registry endpoint and the bandwidth limit; else V(null).
      type: dict
      sample: {"registry": "docker-hub", "registry_id": 1, "speed_kb": -1}
    repo_count:
      description: Number of repositories in the project.
      type: int
      sample: 3
    creation_time:
      description: When the project was created.
      type: str
      sample: "2026-11-26T10:00:00.000Z"
"""

from ansible_collections.maestro.platform.plugins.module_utils._harbor_project import Project
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Project


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
