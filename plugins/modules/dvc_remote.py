#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dvc_remote
short_description: Configure a DVC remote (S3 / MinIO) in a repository or for a user
version_added: 0.1.0
description:
  - Add, change or remove a DVC remote by writing DVC's configuration files the way C(dvc remote add) and
    C(dvc remote modify) write them. The C(dvc) package is not needed where the module runs.
  - At O(level=repo) the remote goes into the committed C(.dvc/config) and the credentials only into
    C(.dvc/config.local) (mode 0600, ignored by git); credentials found in the committed file are moved out
    when the task gives credentials.
  - Options left unset are not changed.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: Name of the remote.
    type: str
    required: true
  state:
    description:
      - V(present) adds or updates the remote; V(absent) removes it (and its credentials, and the default
        remote setting if it pointed to it).
    type: str
    choices: [present, absent]
    default: present
  level:
    description:
      - Which configuration file to write.
      - V(repo) is C(.dvc/config) in O(repo) (committed), with credentials in C(.dvc/config.local).
      - V(local) is C(.dvc/config.local) only (not committed).
      - V(user) (or V(global)) is the user's C(config) in C($DVC_GLOBAL_CONFIG_DIR), else
        C($XDG_CONFIG_HOME/dvc), else C(~/.config/dvc), of the user the module runs as.
      - V(system) is C($DVC_SYSTEM_CONFIG_DIR), else the first of C($XDG_CONFIG_DIRS)/dvc, else
        C(/etc/xdg/dvc); credentials are refused there.
    type: str
    choices: [repo, local, user, global, system]
    default: repo
  repo:
    description: Path of the DVC repository (the directory holding C(.dvc/)). Required for V(repo) and V(local).
    type: path
    aliases: [repo_path, project_path]
  config_dir:
    description: Directory of the configuration file for O(level=user) or O(level=system), instead of DVC's default.
    type: path
  url:
    description: URL of the remote, for example V(s3://dvc-storage/project-a). Required to add a remote.
    type: str
  default:
    description:
      - Make this the default remote (C(core.remote) in the same file), or with V(false) stop it being the
        default. Unset leaves the default as it is.
    type: bool
  endpoint_url:
    description: S3 endpoint, for example V(https://minio.example.com:9000) for MinIO (DVC's C(endpointurl)).
    type: str
    aliases: [endpointurl]
  region:
    description: S3 region.
    type: str
  profile:
    description: AWS profile to take credentials from.
    type: str
  credentialpath:
    description: AWS shared credentials file to read.
    type: path
    aliases: [credential_path]
  ssl_verify:
    description: V(true), V(false), or the absolute path of a CA bundle to verify the endpoint with.
    type: raw
  version_aware:
    description: Use the bucket's object versions (cloud versioning) instead of content-addressed paths.
    type: bool
  access_key_id:
    description: Access key id. Written only to a file git does not see (see O(level)).
    type: str
  secret_access_key:
    description: Secret access key. Written only to a file git does not see, never returned or shown in diffs.
    type: str
  session_token:
    description: Session token for temporary credentials, stored like O(secret_access_key).
    type: str
extends_documentation_fragment:
  - maestro.platform.attributes
attributes:
  diff_mode:
    details: Secret values show as C(********); a changed secret is reported as changed.
  platform:
    platforms: posix
  action_group:
    description: Use C(group/maestro.platform.dvc) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - maestro.platform.dvc
notes:
  - When the task runs on the controller (connection C(local)), the collection's action plugin runs the module's
    logic in-process; set the variable C(maestro_platform_execution=module) to always run it as an ordinary
    module. With O(level=user), the user is then the one running ansible-playbook.
seealso:
  - module: maestro.platform.minio_bucket
  - name: dvc remote modify
    description: The settings of an S3 remote.
    link: https://dvc.org/doc/command-reference/remote/modify#amazon-s3
"""

EXAMPLES = r"""
- name: Default remote of a project on the dev MinIO, credentials kept out of git
  maestro.platform.dvc_remote:
    repo: /srv/projects/fraud-detection
    name: storage
    url: s3://dvc-storage/fraud-detection
    endpoint_url: https://minio.dev.example.com:9000
    default: true
    access_key_id: "{{ minio_dvc_user }}"
    secret_access_key: "{{ vault_minio_dvc_secret }}"

- name: The same remote on AWS S3 for every project of a user
  maestro.platform.dvc_remote:
    level: user
    name: storage
    url: s3://example-dvc-storage
    region: eu-central-1
    profile: dvc

- name: Remove a remote
  maestro.platform.dvc_remote:
    repo: /srv/projects/fraud-detection
    name: old-storage
    state: absent
"""

RETURN = r"""
remote:
  description: The remote after the task (predicted in check mode); empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the remote.
      type: str
      sample: storage
    level:
      description: Configuration level written.
      type: str
      sample: repo
    config_file:
      description: The file holding the remote's settings.
      type: str
      sample: /srv/projects/fraud-detection/.dvc/config
    default:
      description: Whether it is the default remote of that file.
      type: bool
      sample: true
    settings:
      description: The remote's settings as DVC stores them (strings), C(url) included.
      type: dict
      sample: {"url": "s3://dvc-storage/fraud-detection", "endpointurl": "https://minio.dev.example.com:9000"}
    credentials:
      description: Credential keys set for the remote; secret values masked as C(********).
      type: dict
      sample: {"access_key_id": "dvc", "secret_access_key": "********"}
    committed_credentials:
      description: Credential keys still present in the committed C(.dvc/config) (should be empty).
      type: list
      elements: str
      sample: []
"""

from ansible_collections.maestro.platform.plugins.module_utils._dvc import DvcRemote
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = DvcRemote


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
