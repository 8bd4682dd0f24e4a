# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor v2.15.2 robot accounts: a mixin of HarborEmulator (tests/emulators/harbor.py; its routes are
collected over the MRO). Test support, not shipped.

- robots (robot.go): system and project level; stored name prefix + name (system) or prefix + project +
  "+" + name; secret only in POST (201) and PATCH {"secret": ""} (refresh); POST ignores a secret in its
  body and always generates one (controller/robot CreateSec); PATCH with a custom secret sets it and
  answers {}; secret rule 8-128 chars with upper, lower and digit; PUT cannot change name or level (400);
  duration -1 or a positive number of days (0 is 400; PUT without duration keeps it); at least one
  permission, each with at least one access, exactly one for a project robot; (resource, action) pairs
  checked against Harbor's robot permission provider (rbac/const.go); GET /robots without Level lists
  system robots (admin only),
  Level=project needs ProjectID; q name= matches the name without the prefix.
"""

from __future__ import annotations

import copy
import datetime
import secrets
import string

from .framework import HttpError, route
from .harbor_common import NAME_RE, _bad, _now, valid_secret

# The (resource, action) pairs a robot account may be granted: exactly rbac.GetPermissionProvider() of
# Harbor v2.15.2, src/common/rbac/const.go (PoliciesMap per scope plus NolimitProvider's additions: robot
# create/read/list/delete in both scopes, export-cve and member in the project scope, user, ldap-user,
# quota update and user-group in the system scope). handler/robot.go containsAccess compares both strings
# exactly, so "*" (resource or action) is refused like any other pair missing from the list.
_P = ('read', 'list', 'create', 'update', 'delete')
PROJECT_PERMISSIONS = {
    'log': ('list',), 'project': ('read', 'delete', 'update'), 'metadata': _P,
    'repository': ('read', 'update', 'delete', 'list', 'pull', 'push'), 'artifact': ('read', 'create', 'list', 'delete'),
    'scan': ('create', 'read', 'stop'), 'sbom': ('create', 'stop', 'read'), 'tag': ('create', 'list', 'delete'),
    'accessory': ('list',), 'artifact-addition': ('read',), 'artifact-label': ('create', 'delete'),
    'scanner': ('create', 'read'), 'preheat-policy': _P, 'immutable-tag': ('create', 'delete', 'list', 'update'),
    'notification-policy': _P, 'tag-retention': _P, 'label': _P, 'quota': ('read',),
    'robot': ('create', 'read', 'list', 'delete'), 'export-cve': ('create', 'read'), 'member': _P,
}
SYSTEM_PERMISSIONS = {
    'audit-log': ('list',), 'preheat-instance': _P, 'project': ('list', 'create'), 'replication-policy': _P,
    'replication': ('read', 'create', 'list'), 'replication-adapter': ('list',), 'registry': _P,
    'scan-all': ('read', 'update', 'stop', 'create'), 'system-volumes': ('read',),
    'garbage-collection': ('read', 'create', 'list', 'update', 'stop'),
    'purge-audit': ('read', 'create', 'list', 'update', 'stop'), 'jobservice-monitor': ('list', 'stop'),
    'scanner': _P, 'label': ('read', 'create', 'delete', 'update'), 'security-hub': ('read', 'list'),
    'catalog': ('read',), 'quota': ('read', 'list', 'update'), 'robot': ('create', 'read', 'list', 'delete'),
    'user': _P, 'ldap-user': ('create', 'list'), 'user-group': _P,
}


def _new_secret():
    while True:
        secret = ''.join(secrets.choice(string.ascii_letters + string.digits) for _char in range(32))
        if valid_secret(secret):
            return secret


class HarborRobotsMixin:
    """Robot accounts for HarborEmulator (see the module docstring)."""

    # --- robot accounts -----------------------------------------------------------------------------------
    def _robot_out(self, robot):
        keys = ('id', 'name', 'description', 'level', 'duration', 'editable', 'disable', 'expires_at',
                'permissions', 'creator_type', 'creator_ref', 'creation_time', 'update_time')
        return {k: copy.deepcopy(robot[k]) for k in keys}

    @staticmethod
    def _check_duration(duration):
        if duration != -1 and not (isinstance(duration, int) and 0 < duration < 2 ** 31 - 1):
            raise _bad('bad request error duration input: %s, duration must be either -1(Never) or a positive '
                       'integer' % duration)

    def _validate_robot_request(self, duration, level, permissions):
        """handler/robot.go validate (v2.15.2), in its order: duration, level, empty permission/access, one
        permission for a project robot, each access in the scope's permission list (containsAccess compares
        resource and action only)."""
        self._check_duration(duration)
        if level not in ('system', 'project'):
            raise _bad('bad request error level input: %s' % level)
        if not permissions:
            raise _bad('bad request empty permission')
        if any(not perm.get('access') for perm in permissions):
            raise _bad('bad request empty access')
        if level == 'project' and len(permissions) > 1:
            raise _bad('bad request permission')
        for perm in permissions:
            kind = perm.get('kind')
            allowed = {'project': PROJECT_PERMISSIONS, 'system': SYSTEM_PERMISSIONS}.get(kind)
            if allowed is None:
                raise _bad('bad request permission level: %s' % kind)
            for access in perm.get('access') or []:
                if access.get('action') not in allowed.get(access.get('resource'), ()):
                    raise _bad('bad request permission: %s:%s' % (access.get('resource'), access.get('action')))

    def _check_permissions(self, call, level, permissions):
        """The project of a project-level robot (validated), or None for a system robot: requireAccess and
        robot.SetProject (the project of permissions[0].namespace, whatever its kind), then
        controller/robot/controller.go toScope for each permission ("unknown namespace" for a system one
        not on "/", the project of a project one)."""
        project = None
        if level == 'project':
            project = self.project(permissions[0].get('namespace') or '')
            if project is None:
                raise self._absent_project(call, permissions[0].get('namespace') or '')
            self._check_project_access(call, project, manage=True)
        else:
            self._require_admin(call)
        for perm in permissions:
            namespace = perm.get('namespace') or ''
            if perm['kind'] == 'system' and namespace != '/':
                raise _bad('unknown namespace')
            if perm['kind'] == 'project' and namespace != '*' and self.project(namespace) is None:
                raise self._absent_project(call, namespace)  # pkg/project/dao: "project %s not found"
        return project

    def _expiry(self, duration, created):
        if duration == -1:
            return -1
        return int(created.timestamp()) + duration * 86400

    @route('GET', '/robots')
    def list_robots(self, call):
        """Harbor's ListRobot: without Level only system robots (admin); Level=project needs ProjectID."""
        q = self._parse_q(call)
        level = q.get('Level', ('exact', 'system'))[1]
        if level not in ('system', 'project'):
            raise _bad('bad request error level input')
        if level == 'project':
            if 'ProjectID' not in q:
                raise _bad('must with project ID when to query project robots')
            if not str(q['ProjectID'][1]).isdigit() or int(q['ProjectID'][1]) <= 0:  # handler/robot.go ListRobot
                raise _bad('ProjectID must be a positive integer')
            project = self.projects.get(int(q['ProjectID'][1]))
            if project is None:
                raise self._forbidden()
            self._check_project_access(call, project, manage=True)
            items = [r for r in self.robots.values() if r.get('project_id') == project['project_id']]
        else:
            self._require_admin(call)
            items = [r for r in self.robots.values() if not r.get('project_id')]
        if 'name' in q:  # matched against the stored name, without the robot prefix
            items = [r for r in items if self._q_match(r['name'][len(r['prefix']):], q['name'])]
        out = self._sort(call, [self._robot_out(r) for r in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('POST', '/robots')
    def create_robot(self, call):
        body = call.body or {}
        name = body.get('name') or ''
        # handler/robot.go CreateRobot (v2.15.2): validateName, then validate(duration, level, permissions)
        if not NAME_RE.match(name):
            raise _bad('robot name is not in lower case or contains illegal characters')
        level = body.get('level') or ''
        duration = body.get('duration') or 0
        self._validate_robot_request(duration, level, body.get('permissions') or [])
        project = self._check_permissions(call, level, body.get('permissions') or [])
        prefix = self.config['robot_name_prefix']
        full_name = prefix + ('%s+%s' % (project['name'], name) if project else name)
        if self.robot(full_name) is not None:
            # pkg/robot/dao/dao.go Create: WrapConflictError("robot account %d:%s already exists", ProjectID, Name),
            # the stored name has no prefix (controller/robot/controller.go Create: "<project>+<name>" or <name>)
            raise HttpError(409, 'robot account %d:%s already exists' % (project['project_id'] if project else 0,
                                                                         full_name[len(prefix):]))
        # A secret in the body is ignored, valid or not: the controller always generates one (controller/robot
        # controller.go Create calls CreateSec; goharbor/harbor#16884, #17386 "by design"). A chosen secret
        # can only be set afterwards by PATCH /robots/{id} (RefreshSec).
        secret = _new_secret()
        created = datetime.datetime.now(datetime.timezone.utc)
        now = _now()
        robot_id = self._next('robot')
        robot = {'id': robot_id, 'name': full_name, 'description': body.get('description') or '', 'level': level,
                 'duration': duration, 'editable': True, 'disable': bool(body.get('disable')),
                 'expires_at': self._expiry(duration, created), 'permissions': copy.deepcopy(body.get('permissions') or []),
                 'creator_type': 'local', 'creator_ref': call.user.get('user_id') or 0, 'creation_time': now,
                 'update_time': now, 'secret': secret, 'project_id': project['project_id'] if project else None,
                 'created': created, 'prefix': prefix}
        self.robots[robot_id] = robot
        return 201, {'id': robot_id, 'name': full_name, 'secret': secret, 'creation_time': now,
                     'expires_at': robot['expires_at']}, self._location('/robots/%d' % robot_id)

    def _robot(self, call):
        robot = self.robots.get(int(call.params['robot_id']))
        if robot is None:  # pkg/robot/dao/dao.go Get: WrapNotFoundError(err, "robot %d not found")
            raise HttpError(404, 'robot %s not found' % call.params['robot_id'])
        if robot['level'] == 'project':
            self._check_project_access(call, self.projects[robot['project_id']], manage=True)
        else:
            self._require_admin(call)
        return robot

    @route('GET', '/robots/{robot_id}')
    def get_robot(self, call):
        return 200, self._robot_out(self._robot(call))

    @route('PUT', '/robots/{robot_id}')
    def update_robot(self, call):
        robot = self._robot(call)
        body = call.body or {}
        # handler/robot.go updateV2Robot (v2.15.2): validate (a missing duration is the current one), the
        # project id, requireAccess, then the level and name
        duration = body.get('duration')
        if duration is None:
            duration = robot['duration']
        self._validate_robot_request(duration, body.get('level') or '', body.get('permissions') or [])
        project = self._check_permissions(call, robot['level'], body.get('permissions') or [])
        if project is not None and project['project_id'] != robot['project_id']:
            raise _bad('cannot update the project id of robot')
        if body.get('name') != robot['name'] or body.get('level') != robot['level']:
            raise _bad('cannot update the level or name of robot')
        if duration != robot['duration']:
            robot['duration'] = duration
            robot['expires_at'] = self._expiry(duration, robot['created'])
        robot['description'] = body.get('description') or ''
        robot['disable'] = bool(body.get('disable'))
        robot['permissions'] = copy.deepcopy(body.get('permissions') or [])
        robot['update_time'] = _now()
        return 200, None

    @route('PATCH', '/robots/{robot_id}')
    def refresh_robot_secret(self, call):
        robot = self._robot(call)
        secret = (call.body or {}).get('secret')
        robot['update_time'] = _now()
        if secret:
            if not valid_secret(secret):
                raise _bad('the secret must be 8-128, inclusively, characters long with at least 1 uppercase '
                           'letter, 1 lowercase letter and 1 number')
            robot['secret'] = secret
            return 200, {}
        robot['secret'] = _new_secret()
        return 200, {'secret': robot['secret']}

    @route('DELETE', '/robots/{robot_id}')
    def delete_robot(self, call):
        robot = self._robot(call)
        del self.robots[robot['id']]
        return 200, None
