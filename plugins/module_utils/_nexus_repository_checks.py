# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the nexus_repository and nexus_repository_info logic of maestro.platform. Not a public API.
"""nexus_repository's options and the checks of a task's parameters before any request (each check takes
the parameters and raises ModuleFailure naming the option and the fix).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._nexus import NAME_PATTERN, _check_url
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_fields import (
    FORMAT_FIELDS, FORMATS, GROUP_DEPLOY_FORMATS, SIGNING_BLOCKS, TYPES)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, require_name


WRITE_POLICIES = ('allow', 'allow_once', 'deny')
PROXY_OPTIONS = ('remote_url', 'content_max_age', 'metadata_max_age', 'negative_cache', 'remote_username',
                 'remote_password', 'routing_rule')
SIGNING_OPTIONS = ('signing_keypair', 'signing_passphrase')
ARMORED_PRIVATE_KEY = '-----BEGIN PGP PRIVATE KEY BLOCK-----'

REPOSITORY_OPTIONS = dict(  # generated from plugins/modules/nexus_repository.py DOCUMENTATION, do not edit
    name=dict(type='str', required=True),
    format=dict(type='str', required=True,
                choices=['pypi', 'npm', 'maven', 'docker', 'raw', 'go', 'helm', 'gitlfs', 'cocoapods', 'p2',
                         'huggingface', 'conda', 'apt', 'yum']),
    type=dict(type='str', required=True, choices=['proxy', 'hosted', 'group']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    online=dict(type='bool'),
    blob_store=dict(type='str'),
    strict_content_type_validation=dict(type='bool'),
    write_policy=dict(type='str'),
    cleanup_policies=dict(type='list', elements='str'),
    remote_url=dict(type='str'),
    routing_rule=dict(type='str'),
    content_max_age=dict(type='int'),
    metadata_max_age=dict(type='int'),
    negative_cache=dict(type='dict', options=dict(
        enabled=dict(type='bool'),
        time_to_live=dict(type='int'),
    )),
    remote_username=dict(type='str'),
    remote_password=dict(type='str', no_log=True),
    update_password=dict(type='str', default='on_create', choices=['on_create', 'always']),
    members=dict(type='list', elements='str'),
    writable_member=dict(type='str'),
    docker=dict(type='dict', options=dict(
        http_port=dict(type='int'),
        https_port=dict(type='int'),
        v1_enabled=dict(type='bool'),
        force_basic_auth=dict(type='bool'),
        path_enabled=dict(type='bool'),
        index_type=dict(type='str', choices=['hub', 'registry', 'custom']),
        index_url=dict(type='str'),
    )),
    maven=dict(type='dict', options=dict(
        version_policy=dict(type='str', choices=['release', 'snapshot', 'mixed']),
        layout_policy=dict(type='str', choices=['strict', 'permissive']),
        content_disposition=dict(type='str', choices=['inline', 'attachment']),
    )),
    apt=dict(type='dict', options=dict(
        distribution=dict(type='str'),
        flat=dict(type='bool'),
        enforce_distribution=dict(type='bool'),
    )),
    yum=dict(type='dict', options=dict(
        repodata_depth=dict(type='int'),
        deploy_policy=dict(type='str', choices=['strict', 'permissive']),
    )),
    signing_keypair=dict(type='str', no_log=True),
    signing_passphrase=dict(type='str', no_log=True),
)  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write


# -- checks before any request: each takes the task's parameters and raises ModuleFailure ------------------
def _check_name(p):
    name = require_name(p)
    if not NAME_PATTERN.match(name):
        raise ModuleFailure('name %r is not a valid Nexus repository name: use letters, digits, -, _ and . '
                            'and do not start with _ or .' % name)


def _check_format_and_type(p):
    fmt, rtype = p['format'], p['type']
    if fmt not in FORMATS:
        raise ModuleFailure('format must be one of %s, got %r' % (', '.join(sorted(FORMATS)), fmt))
    if rtype not in TYPES:
        raise ModuleFailure('type must be one of proxy, hosted, group, got %r' % (rtype,))
    if rtype not in FORMATS[fmt]:
        raise ModuleFailure('Nexus has no %s %s repositories: format %s supports type %s only'
                            % (fmt, rtype, fmt, ' and '.join(FORMATS[fmt])))


# options -> (the (format, type) they apply to, where that is, said to the user)
SCOPES = (
    (PROXY_OPTIONS, lambda f, t: t == 'proxy', 'proxy repositories (type=proxy)'),
    (('write_policy',), lambda f, t: t == 'hosted',
     'hosted repositories: proxy and group repositories have no write policy'),
    (('members', 'writable_member'), lambda f, t: t == 'group', 'group repositories (type=group)'),
    (('cleanup_policies',), lambda f, t: t != 'group',
     'proxy and hosted repositories: Nexus cleans up group members, not groups'),
    (('writable_member',), lambda f, t: f in GROUP_DEPLOY_FORMATS, 'pypi, npm and docker groups (group deployment)'),
    (SIGNING_OPTIONS, lambda f, t: (f, t) in SIGNING_BLOCKS,
     'apt proxy and hosted and yum proxy and group repositories (their PGP signing key)'),
)


def _types_phrase(fmt, types):
    return '%s %s repositories' % (fmt, ' and '.join(types))


def _check_scopes(p):
    fmt, rtype = p['format'], p['type']
    for options, applies, where in SCOPES:
        for option in options:
            if p.get(option) is not None and not applies(fmt, rtype):
                raise ModuleFailure('%s only applies to %s; remove it from this %s %s repository task'
                                    % (option, where, fmt, rtype))
    for owner, fields in FORMAT_FIELDS.items():
        given = p.get(owner)
        if given is None:
            continue
        types = sorted(set(t for f in fields for t in f.types), key=TYPES.index)
        if owner != fmt or rtype not in types:
            raise ModuleFailure('%s only applies to %s; remove it from this %s %s repository task'
                                % (owner, _types_phrase(owner, types), fmt, rtype))
        for field in fields:
            if given.get(field.option) is not None and rtype not in field.types:
                raise ModuleFailure('%s.%s only applies to %s' % (owner, field.option,
                                                                  _types_phrase(owner, field.types)))


def _check_write_policy(p):
    if p.get('write_policy') is not None and p['write_policy'].lower() not in WRITE_POLICIES:
        raise ModuleFailure('write_policy must be allow, allow_once or deny, got %r' % p['write_policy'])


def _check_proxy_values(p):
    _check_url(p.get('remote_url'), 'remote_url')
    for option in ('content_max_age', 'metadata_max_age'):
        if p.get(option) is not None and p[option] < -1:
            raise ModuleFailure('%s must be minutes (-1 for forever), got %s' % (option, p[option]))


def _check_member_list(p):
    members = p.get('members')
    if members == []:
        raise ModuleFailure('members must list at least one repository: Nexus refuses a group without members')
    if members is None:
        return
    for member in members:
        if not isinstance(member, str) or not NAME_PATTERN.match(member):
            raise ModuleFailure('members: %r is not a valid repository name' % (member,))
    lowered = [m.lower() for m in members]
    if len(set(lowered)) != len(lowered):
        raise ModuleFailure('members lists a repository twice (names ignore case): %s' % ', '.join(members))
    if p['name'].lower() in lowered:
        raise ModuleFailure('members: a group cannot contain itself (%s)' % p['name'])
    if p.get('writable_member') and p['writable_member'] not in members:
        raise ModuleFailure('writable_member %r must be one of members (%s)'
                            % (p['writable_member'], ', '.join(members) or 'none'))


def _check_docker(p):
    docker = p.get('docker') or {}
    for option in ('http_port', 'https_port'):
        port = docker.get(option)
        if port is not None and not 0 < port < 65536:
            raise ModuleFailure('docker.%s must be a TCP port (1-65535), got %s' % (option, port))
    _check_url(docker.get('index_url'), 'docker.index_url')
    if docker.get('index_type') == 'custom' and docker.get('index_url') is None:
        raise ModuleFailure('docker.index_url is required with docker.index_type=custom')


def _check_cleanup_policies(p):
    for policy in p.get('cleanup_policies') or []:
        if not isinstance(policy, str) or not policy.strip():
            raise ModuleFailure('cleanup_policies must be names of cleanup policies, got %r' % (policy,))


def _check_apt(p):
    apt = p.get('apt') or {}
    distribution = apt.get('distribution')
    if distribution is not None and (not distribution.strip() or re.search(r'[\s/]', distribution)):
        raise ModuleFailure('apt.distribution must be a distribution name such as bookworm or jammy (no spaces '
                            'or slashes), got %r' % distribution)
    if apt.get('enforce_distribution') and not distribution:
        raise ModuleFailure('apt.distribution is required with apt.enforce_distribution=true: it names the only '
                            'distribution the proxy serves')
    if p['type'] == 'hosted' and not p.get('signing_keypair'):
        raise ModuleFailure('signing_keypair is required for an apt hosted repository: Nexus signs its metadata '
                            'with it and needs it with every write (it never returns it). Give the armored '
                            'private key (gpg --export-secret-key --armor), from a vault.')


def _check_yum(p):
    depth = (p.get('yum') or {}).get('repodata_depth')
    if depth is not None and not 0 <= depth <= 5:
        raise ModuleFailure('yum.repodata_depth must be 0 to 5 (the directory depth where Nexus creates '
                            'repodata), got %s' % depth)


def _check_signing(p):
    keypair = p.get('signing_keypair')
    if keypair is not None and ARMORED_PRIVATE_KEY not in keypair:
        # never echo the value: it is a secret even when malformed
        raise ModuleFailure('signing_keypair must be an ASCII-armored PGP private key (the output of '
                            'gpg --export-secret-key --armor, starting with %s)' % ARMORED_PRIVATE_KEY)


PRESENT_CHECKS = (_check_scopes, _check_write_policy, _check_proxy_values, _check_member_list, _check_docker,
                  _check_cleanup_policies, _check_signing)
FORMAT_CHECKS = {'apt': _check_apt, 'yum': _check_yum}


def check_repository(p):
    """The task's parameters checked before any request (a state=absent task needs only name, format, type)."""
    _check_name(p)
    _check_format_and_type(p)
    if p['state'] == 'absent':
        return
    for check in PRESENT_CHECKS:
        check(p)
    if p['format'] in FORMAT_CHECKS:
        FORMAT_CHECKS[p['format']](p)
