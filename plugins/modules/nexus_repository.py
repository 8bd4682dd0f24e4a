#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_repository
short_description: Manage Nexus Repository 3 repositories (proxy, hosted, group)
version_added: 0.1.0
description:
  - Create, update and delete repositories of Nexus Repository 3 through its REST API (no Groovy scripts).
  - Options left unset are not managed; an existing repository keeps its current value for them.
  - One request per repository when nothing changes (the full settings are read by format, type and name).
  - Nexus repository names ignore case. When O(name) differs only in case from an existing repository (for
    example V(Maven-Releases) when V(maven-releases) exists), Nexus resolves the name to that repository, so the
    task manages it and warns, and never tries to create a second one (Nexus would refuse it). If that
    repository has another format or type, the task fails naming it.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the repository (letters, digits, V(-), V(_) and V(.); unique in Nexus, ignoring case).
    type: str
    required: true
  format:
    description:
      - Repository format.
      - Not every format has every type; an unsupported combination (for example V(gitlfs) with
        O(type=proxy)) is an error before any request.
      - Types per format (Nexus 3.94 Community) - V(apt) proxy and hosted; V(cocoapods) proxy; V(conda) proxy,
        hosted and group; V(docker), V(maven), V(npm), V(pypi) and V(raw) proxy, hosted and group; V(gitlfs)
        hosted; V(go) proxy and group; V(helm) proxy and hosted; V(huggingface) proxy (Hugging Face Hub models
        and datasets); V(p2) proxy; V(yum) proxy, hosted and group.
    type: str
    required: true
    choices: [pypi, npm, maven, docker, raw, go, helm, gitlfs, cocoapods, p2, huggingface, conda, apt, yum]
  type:
    description: V(proxy) caches a remote repository, V(hosted) stores uploads, V(group) serves its members as one.
    type: str
    required: true
    choices: [proxy, hosted, group]
  state:
    description: V(present) creates or updates the repository, V(absent) deletes it (with its content).
    type: str
    choices: [present, absent]
    default: present
  online:
    description: Whether the repository accepts requests (V(true) when created).
    type: bool
  blob_store:
    description:
      - Blob store that holds the content (V(default) when created).
      - Nexus cannot move a repository to another blob store, so a different value for an existing repository is
        an error.
    type: str
  strict_content_type_validation:
    description: Check that uploaded or cached content has a MIME type that fits the format (V(true) when created).
    type: bool
  write_policy:
    description:
      - Hosted repositories only, and required to create one. V(allow) lets uploads overwrite, V(allow_once)
        forbids overwriting (the usual choice for releases), V(deny) makes the repository read-only.
      - Upper-case spellings are accepted; Nexus echoes the value as stored and it is compared ignoring case.
    type: str
  cleanup_policies:
    description:
      - Names of the cleanup policies applied to the repository (not for groups). An empty list removes them.
      - The policies must exist in Nexus.
    type: list
    elements: str
  remote_url:
    description: Proxy repositories only, required to create one. URL of the remote repository.
    type: str
  routing_rule:
    description:
      - Proxy only. Name of the routing rule (M(maestro.platform.nexus_routing_rule)) that allows or blocks request
        paths to the remote; an empty string removes it. The rule must exist.
    type: str
  content_max_age:
    description: Proxy only. Minutes cached components are kept before checking the remote again (V(-1) forever).
    type: int
  metadata_max_age:
    description: Proxy only. Minutes cached metadata is kept before checking the remote again (V(-1) forever).
    type: int
  negative_cache:
    description: Proxy only. Caching of "not found" answers from the remote.
    type: dict
    suboptions:
      enabled:
        description: Cache "not found" answers.
        type: bool
      time_to_live:
        description: Minutes a "not found" answer is cached.
        type: int
  remote_username:
    description:
      - Proxy only. User name for the remote repository (authentication type C(username)).
      - An empty string removes the remote authentication.
    type: str
  remote_password:
    description:
      - Proxy only. Password for the remote repository. Nexus never returns it, so it cannot be compared; see
        O(update_password).
      - It is sent with every update of the repository, so that the update keeps it.
    type: str
  update_password:
    description:
      - For the write-only secrets O(remote_password), O(signing_keypair) and O(signing_passphrase).
      - V(on_create) sets them when the repository is created (and sends them with other updates).
      - V(always) sends them on every run, which then always reports a change; use it to rotate a password or
        a signing key, or to add a key to an existing repository.
    type: str
    choices: [on_create, always]
    default: on_create
  members:
    description:
      - Group only. Member repositories, in the order Nexus searches them (order is meaningful).
      - Members must exist and have the group's format; this is checked before any change is made. In check
        mode a missing member is only a warning, since an earlier task of the play would have created it.
    type: list
    elements: str
  writable_member:
    description:
      - Group only, for V(pypi), V(npm) and V(docker). The hosted member that receives uploads made to the group.
      - B(Nexus Pro only.) Nexus OSS/Community refuses it ("Deploying to groups is a PRO-licensed feature"); when the
        server's C(Server) header names another edition than PRO, the task fails before any change with a message
        saying so. On OSS/Community, upload to the hosted repository itself.
      - Must be one of O(members). An empty string removes it.
    type: str
  docker:
    description: Docker repositories only.
    type: dict
    suboptions:
      http_port:
        description: Port of an HTTP connector for this repository.
        type: int
      https_port:
        description: Port of an HTTPS connector for this repository.
        type: int
      v1_enabled:
        description: Allow clients to use the Docker V1 API (V(false) when created).
        type: bool
      force_basic_auth:
        description:
          - Require basic authentication (V(true) when created). With V(false), anonymous pulls need the
            C(DockerToken) realm (see M(maestro.platform.nexus_security)).
        type: bool
      path_enabled:
        description: Allow the repository name in image paths (path-based routing).
        type: bool
      index_type:
        description:
          - Proxy only. V(registry) uses the remote URL as index (V(registry) when created), V(hub) uses Docker
            Hub's index, V(custom) uses O(docker.index_url).
        type: str
        choices: [hub, registry, custom]
      index_url:
        description: Proxy only. Index URL with O(docker.index_type=custom).
        type: str
  maven:
    description: Maven proxy and hosted repositories only.
    type: dict
    suboptions:
      version_policy:
        description: What the repository holds (V(release) when created).
        type: str
        choices: [release, snapshot, mixed]
      layout_policy:
        description: Whether paths must follow the Maven layout (V(strict) when created).
        type: str
        choices: [strict, permissive]
      content_disposition:
        description: Content-Disposition header of downloads (V(inline) when created).
        type: str
        choices: [inline, attachment]
  apt:
    description: Apt repositories only.
    type: dict
    suboptions:
      distribution:
        description:
          - Hosted, required to create one. The distribution clients name in their C(sources.list) (for example
            V(bookworm)); Nexus publishes C(dists/<distribution>/Release).
          - Proxy, optional. Informational unless O(apt.enforce_distribution=true), which requires it.
        type: str
      flat:
        description: Proxy only. Whether the remote is a flat repository, without C(dists/) (V(false) when created).
        type: bool
      enforce_distribution:
        description: Proxy only. Serve only O(apt.distribution) (V(false) when created).
        type: bool
  yum:
    description: Yum hosted repositories only.
    type: dict
    suboptions:
      repodata_depth:
        description: Directory depth, 0 to 5, at which Nexus creates C(repodata) (V(0) when created).
        type: int
      deploy_policy:
        description:
          - V(strict) accepts only RPMs and yum metadata at paths that fit O(yum.repodata_depth) (V(strict) when
            created); V(permissive) accepts any path.
        type: str
        choices: [strict, permissive]
  signing_keypair:
    description:
      - Apt hosted (required), apt proxy, yum proxy and yum group repositories. The PGP private key Nexus signs
        the repository metadata with, ASCII-armored (C(gpg --export-secret-key --armor)).
      - Write-only. Nexus never returns it, so it is never compared, shown or put in a diff; it is sent on
        create, with any other update of the repository, and on every run with O(update_password=always).
      - Give it in every task that manages a repository that has a key. Nexus does not return it, and an update
        replaces the whole configuration, so an update made without it (a change of another setting) removes
        the stored key. An apt hosted repository must have one, so its tasks always need it.
    type: str
  signing_passphrase:
    description:
      - The passphrase of O(signing_keypair), if the key has one. Write-only, sent with O(signing_keypair).
    type: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_repository_info
  - module: maestro.platform.nexus_blobstore
  - name: Nexus Repository REST API
    description: The endpoints this module uses.
    link: https://help.sonatype.com/en/repositories-api.html
"""

EXAMPLES = r"""
- name: Proxy the public PyPI
  maestro.platform.nexus_repository:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: pypi-proxy
    format: pypi
    type: proxy
    remote_url: https://pypi.org/

- name: Hosted repository for the team's packages, no overwrites
  maestro.platform.nexus_repository:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: pypi-hosted
    format: pypi
    type: hosted
    write_policy: allow_once
    blob_store: s3-artifacts

- name: One index for pip, searching hosted before the proxy
  maestro.platform.nexus_repository:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: pypi-group
    format: pypi
    type: group
    members: [pypi-hosted, pypi-proxy]

- name: Docker hosted registry on its own port
  maestro.platform.nexus_repository:
    name: docker-hosted
    format: docker
    type: hosted
    write_policy: allow
    docker:
      http_port: 8082
      force_basic_auth: true
  module_defaults:
    group/maestro.platform.nexus:
      url: https://nexus.example.com
      username: admin
      password: "{{ vault_nexus_admin_password }}"

- name: Maven proxy with a password for the remote (set once, kept afterwards)
  maestro.platform.nexus_repository:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    name: maven-vendor
    format: maven
    type: proxy
    remote_url: https://maven.vendor.example.com/releases
    remote_username: ci
    remote_password: "{{ vault_vendor_password }}"
    maven:
      version_policy: release
    cleanup_policies: [stale-proxy-cache]

- name: Proxy the Hugging Face Hub for ML models and datasets (HF_ENDPOINT=https://nexus.example.com/repository/huggingface)
  maestro.platform.nexus_repository:
    name: huggingface
    format: huggingface
    type: proxy
    remote_url: https://huggingface.co/
    blob_store: s3-models
  module_defaults: &nexus
    group/maestro.platform.nexus:
      url: https://nexus.example.com
      username: admin
      password: "{{ vault_nexus_admin_password }}"

- name: Conda-forge through Nexus, with a hosted channel and one group for both
  maestro.platform.nexus_repository: "{{ item }}"
  loop:
    - {name: conda-forge, format: conda, type: proxy, remote_url: "https://conda.anaconda.org/conda-forge/"}
    - {name: conda-internal, format: conda, type: hosted, write_policy: allow_once}
    - {name: conda, format: conda, type: group, members: [conda-internal, conda-forge]}
  module_defaults: *nexus

- name: Debian mirror (apt proxy)
  maestro.platform.nexus_repository:
    name: debian-bookworm
    format: apt
    type: proxy
    remote_url: https://deb.debian.org/debian/
    apt:
      distribution: bookworm
      flat: false
  module_defaults: *nexus

- name: The team's own Debian packages, signed by Nexus (the key comes from a vault and is never shown)
  maestro.platform.nexus_repository:
    name: apt-internal
    format: apt
    type: hosted
    write_policy: allow_once
    apt:
      distribution: bookworm
    signing_keypair: "{{ vault_apt_signing_key }}"
    signing_passphrase: "{{ vault_apt_signing_passphrase }}"
  module_defaults: *nexus

- name: RPMs, with repodata two directories deep
  maestro.platform.nexus_repository:
    name: yum-internal
    format: yum
    type: hosted
    write_policy: allow_once
    yum:
      repodata_depth: 2
      deploy_policy: strict
  module_defaults: *nexus

- name: Go modules and Helm charts
  maestro.platform.nexus_repository: "{{ item }}"
  loop:
    - {name: go-proxy, format: go, type: proxy, remote_url: "https://proxy.golang.org/"}
    - {name: go, format: go, type: group, members: [go-proxy]}
    - {name: helm-bitnami, format: helm, type: proxy, remote_url: "https://charts.bitnami.com/bitnami/"}
    - {name: helm-internal, format: helm, type: hosted, write_policy: allow}
  module_defaults: *nexus
"""

RETURN = r"""
repository:
  description: The repository after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the repository.
      type: str
      sample: pypi-group
    format:
      description: Format (V(maven) for Nexus's C(maven2)).
      type: str
      sample: pypi
    type:
      description: V(proxy), V(hosted) or V(group).
      type: str
      sample: group
    url:
      description: The repository's URL for clients (V(null) when it would be created in check mode).
      type: str
      sample: https://nexus.example.com/repository/pypi-group
    online:
      description: Whether it accepts requests.
      type: bool
    blob_store:
      description: Blob store holding the content.
      type: str
    strict_content_type_validation:
      description: Whether MIME types are checked.
      type: bool
    write_policy:
      description: Hosted only, lower case.
      type: str
      returned: for hosted repositories
      sample: allow_once
    cleanup_policies:
      description: Cleanup policy names, sorted.
      type: list
      elements: str
      returned: for proxy and hosted repositories
    remote_url:
      description: Proxy only, the remote URL.
      type: str
      returned: for proxy repositories
    content_max_age:
      description: Proxy only.
      type: int
      returned: for proxy repositories
    metadata_max_age:
      description: Proxy only.
      type: int
      returned: for proxy repositories
    negative_cache:
      description: Proxy only, with keys C(enabled) and C(time_to_live).
      type: dict
      returned: for proxy repositories
    remote_username:
      description: Proxy only, the remote user name, empty when none (the password is never returned).
      type: str
      returned: for proxy repositories
    routing_rule:
      description: Proxy only, the name of the routing rule, empty when none.
      type: str
      returned: for proxy repositories
    members:
      description: Group only, in search order.
      type: list
      elements: str
      returned: for group repositories
    writable_member:
      description: Group only (pypi, npm, docker); empty when none (always, on Nexus OSS/Community).
      type: str
      returned: for pypi, npm and docker groups
    docker:
      description: Docker only, the docker options.
      type: dict
      returned: for docker repositories
    maven:
      description: Maven proxy and hosted only, the maven options (lower case).
      type: dict
      returned: for maven proxy and hosted repositories
    apt:
      description: Apt only, the apt options (the signing key and passphrase are never returned).
      type: dict
      returned: for apt repositories
      sample: {distribution: bookworm, flat: false, enforce_distribution: false}
    yum:
      description: Yum hosted only, the yum options (lower case).
      type: dict
      returned: for yum hosted repositories
      sample: {repodata_depth: 2, deploy_policy: strict}
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository import Repository
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Repository


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
