# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""What a Harbor robot account may be granted, and the checks of harbor_robot_account's permissions and secret.

Facts the code relies on (Harbor v2.15.2): a project-level robot carries exactly one permission entry, on its
own project; a system-level robot names each project in a permission's namespace ('*' for all projects).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.maestro.platform.plugins.module_utils._harbor import SECRET_RULE_TEXT, check_name
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

_CRUDL = ('create', 'delete', 'list', 'read', 'update')
# What Harbor lets a robot account be granted, per permission kind: resource -> actions. Harbor v2.15.2's
# robot handler (src/server/v2.0/handler/robot.go, validate/containsAccess) accepts an access only when
# this exact (resource, action) pair is in rbac.GetPermissionProvider() (src/common/rbac/const.go:
# PoliciesMap plus NolimitProvider's additions); anything else is 400 "bad request permission: r:a".
# There is no wildcard: "*" is not in the list, for resources or actions.
ROBOT_PERMISSIONS = {
    'project': {
        'accessory': ('list',), 'artifact': ('create', 'delete', 'list', 'read'),
        'artifact-addition': ('read',), 'artifact-label': ('create', 'delete'), 'export-cve': ('create', 'read'),
        'immutable-tag': ('create', 'delete', 'list', 'update'), 'label': _CRUDL, 'log': ('list',),
        'member': _CRUDL, 'metadata': _CRUDL, 'notification-policy': _CRUDL, 'preheat-policy': _CRUDL,
        'project': ('delete', 'read', 'update'), 'quota': ('read',),
        'repository': ('delete', 'list', 'pull', 'push', 'read', 'update'),
        'robot': ('create', 'delete', 'list', 'read'), 'sbom': ('create', 'read', 'stop'),
        'scan': ('create', 'read', 'stop'), 'scanner': ('create', 'read'), 'tag': ('create', 'delete', 'list'),
        'tag-retention': _CRUDL,
    },
    'system': {
        'audit-log': ('list',), 'catalog': ('read',),
        'garbage-collection': ('create', 'list', 'read', 'stop', 'update'),
        'jobservice-monitor': ('list', 'stop'), 'label': ('create', 'delete', 'read', 'update'),
        'ldap-user': ('create', 'list'), 'preheat-instance': _CRUDL, 'project': ('create', 'list'),
        'purge-audit': ('create', 'list', 'read', 'stop', 'update'), 'quota': ('list', 'read', 'update'),
        'registry': _CRUDL, 'replication': ('create', 'list', 'read'), 'replication-adapter': ('list',),
        'replication-policy': _CRUDL, 'robot': ('create', 'delete', 'list', 'read'),
        'scan-all': ('create', 'read', 'stop', 'update'), 'scanner': _CRUDL, 'security-hub': ('list', 'read'),
        'system-volumes': ('read',), 'user': _CRUDL, 'user-group': _CRUDL,
    },
}

PERMISSION_OPTIONS = dict(  # generated from the permissions of plugins/modules/harbor_robot_account.py, do not edit
    kind=dict(type='str', default='project', choices=['project', 'system']),
    namespace=dict(type='str'),
    access=dict(type='list', elements='dict', required=True, options=dict(
        resource=dict(type='str', required=True),
        action=dict(type='str', required=True),
        effect=dict(type='str', default='allow', choices=['allow', 'deny']),
    )),
)  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write


def check_robot_secret(secret, field='secret'):
    if not (8 <= len(secret) <= 128 and re.search(r'[A-Z]', secret) and re.search(r'[a-z]', secret)
            and re.search(r'\d', secret)):
        raise ModuleFailure('%s does not meet Harbor\'s rule for robot secrets: %s' % (field, SECRET_RULE_TEXT))


def check_robot_access(access, kind, field):
    """Refuse a resource or action Harbor does not grant to robots, before any request (ROBOT_PERMISSIONS)."""
    allowed = ROBOT_PERMISSIONS[kind]
    resource, action = access['resource'], access['action']
    if resource not in allowed:
        raise ModuleFailure('%s.resource %r is not a resource Harbor grants to robot accounts in a permission of '
                            'kind %s: use one of %s' % (field, resource, kind, ', '.join(sorted(allowed))))
    if action not in allowed[resource]:
        raise ModuleFailure('%s.action %r is not an action Harbor grants on %s (kind %s): use one of %s'
                            % (field, action, resource, kind, ', '.join(allowed[resource])))


def normalize_permissions(perms):
    result = []
    for perm in perms or []:
        access = sorted(({'resource': a.get('resource'), 'action': a.get('action'),
                          'effect': a.get('effect') or 'allow'} for a in perm.get('access') or []),
                        key=lambda a: (a['resource'] or '', a['action'] or '', a['effect']))
        result.append({'kind': perm.get('kind'), 'namespace': perm.get('namespace'), 'access': access})
    return sorted(result, key=lambda p: (p['kind'] or '', p['namespace'] or ''))


def check_permission(perm, level, project, field):
    """One permissions[] entry checked and with its namespace resolved."""
    namespace = perm.get('namespace')
    if level == 'project':
        if perm['kind'] != 'project':
            raise ModuleFailure('%s.kind must be project for a project-level robot account' % field)
        if namespace not in (None, project):
            raise ModuleFailure("%s.namespace: a project-level robot account of project '%s' can only "
                                "have permissions on that project, not on '%s'; use level=system for "
                                "access to other projects" % (field, project, namespace))
        namespace = project
    elif perm['kind'] == 'system':
        namespace = namespace or '/'
    elif not namespace:
        raise ModuleFailure("%s.namespace is required: name the project, or '*' for all projects" % field)
    elif namespace != '*':
        check_name(namespace, '%s.namespace' % field, 'project name')
    if not perm['access']:
        raise ModuleFailure('%s.access must list at least one resource and action' % field)
    for number, access in enumerate(perm['access']):
        check_robot_access(access, perm['kind'], '%s.access[%d]' % (field, number))
    return {'kind': perm['kind'], 'namespace': namespace, 'access': perm['access']}


def check_permissions(params):
    """The task's permissions checked and normalised; None when the task leaves them unmanaged."""
    perms = params.get('permissions')
    if perms is None:
        return None
    if params['level'] == 'project' and len(perms) != 1:
        raise ModuleFailure('permissions: a project-level robot account has exactly one permission entry '
                            '(on its own project), got %d; use level=system for several projects'
                            % len(perms))
    return normalize_permissions([check_permission(perm, params['level'], params.get('project'),
                                                   'permissions[%d]' % index)
                                  for index, perm in enumerate(perms)])
